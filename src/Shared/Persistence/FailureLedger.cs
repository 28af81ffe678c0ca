using Npgsql;
using NpgsqlTypes;
using StripeWebhooks.Events;

namespace StripeWebhooks.Persistence;

/// <summary>
/// The failure ledger (<c>stripe_event_failures</c>): one row per failing event. A delivery writes it in the claim's
/// own transaction after rolling back to the savepoint (<see cref="EventClaimStore.AddFailure"/>), so it
/// survives the handlers' rollback; a failed replay writes it in a transaction of its own.
/// </summary>
public static class FailureLedger
{
    /// <summary>Longest error text kept; enough for a type and message, never a payload dump.</summary>
    public const int MaxErrorLength = 2000;

    /// <summary>
    /// Records one failed attempt (a failure after a resolved one counts from 1 again), then removes the
    /// claim, or parks it as <c>failed_permanent</c> when the attempts reach $5. Returns the attempts.
    /// $1 event id, $2 type, $3 error, $4 payload, $5 max attempts.
    /// </summary>
    internal const string RecordAndSettleClaimSql = """
        WITH failure AS (
            INSERT INTO stripe_event_failures AS f (event_id, event_type, attempts, last_error, payload)
            VALUES ($1, $2, 1, $3, $4)
            ON CONFLICT (event_id) DO UPDATE SET
                attempts = CASE WHEN f.resolved_at IS NULL THEN f.attempts + 1 ELSE 1 END,
                first_failed_at = CASE WHEN f.resolved_at IS NULL THEN f.first_failed_at ELSE now() END,
                last_failed_at = now(),
                last_error = excluded.last_error,
                event_type = excluded.event_type,
                payload = excluded.payload,
                resolved_at = NULL
            RETURNING attempts),
        parked AS (
            UPDATE processed_stripe_events SET outcome = 'failed_permanent'
            WHERE event_id = $1 AND (SELECT attempts FROM failure) >= $5
            RETURNING 1),
        released AS (
            DELETE FROM processed_stripe_events
            WHERE event_id = $1 AND (SELECT attempts FROM failure) < $5
            RETURNING 1)
        SELECT attempts FROM failure
        """;

    /// <summary>Records a failed replay attempt in its own transaction (the claim is not touched).</summary>
    public static async Task<int> RecordReplayFailureAsync(NpgsqlConnection connection, StripeEvent stripeEvent, string error, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE stripe_event_failures SET attempts = attempts + 1, last_failed_at = now(), last_error = $2
            WHERE event_id = $1
            RETURNING attempts
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stripeEvent.Id, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Truncate(error), NpgsqlDbType = NpgsqlDbType.Text });
        return (int)(await command.ExecuteScalarAsync(cancellationToken) ?? 0);
    }

    /// <summary>Describes an exception for the ledger: type and message, bounded.</summary>
    public static string Describe(Exception exception) => Truncate($"{exception.GetType().Name}: {exception.Message}");

    internal static string Truncate(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
}
