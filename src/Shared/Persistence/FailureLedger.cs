using Npgsql;
using NpgsqlTypes;
using StripeWebhooks.Events;

namespace StripeWebhooks.Persistence;

/// <summary>
/// The failure ledger (<c>stripe_event_failures</c>): one row per failing event. A delivery writes it in the claim's
/// own transaction after rolling back to the savepoint (<see cref="EventClaimStore.AddFailure"/>), so it
/// survives the handlers' rollback; a failed replay writes it in a transaction of its own.
/// </summary>
internal static class FailureLedger
{
    /// <summary>Longest error text kept; enough for a type and message, never a payload dump.</summary>
    public const int MaxErrorLength = 2000;

    /// <summary>
    /// Records one failed attempt (a failure after a resolved one counts from 1 again) and returns the attempts.
    /// $1 event id, $2 type, $3 error, $4 payload.
    /// </summary>
    internal const string RecordAttemptSql = """
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
        RETURNING attempts
        """;

    /// <summary>
    /// Records one failed attempt (<see cref="RecordAttemptSql"/>), then removes the claim, or parks it as
    /// <c>failed_permanent</c> when the attempts reach $5. Returns the attempts.
    /// $1 event id, $2 type, $3 error, $4 payload, $5 max attempts.
    /// </summary>
    internal const string RecordAndSettleClaimSql = $"""
        WITH failure AS (
        {RecordAttemptSql}),
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

    /// <summary>
    /// Records a failure nobody anticipated (the delivery's own failure path did not finish) in a transaction of its
    /// own, with the payload for <c>webhooks replay</c>. The claim is not touched: the transaction that held it rolled
    /// back, or committed before the failure, in which case the next delivery (a duplicate) resolves this row.
    /// </summary>
    internal static async Task<int> RecordUnexpectedFailureAsync(NpgsqlDataSource dataSource, StripeEvent stripeEvent, string error, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(RecordAttemptSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stripeEvent.Id, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stripeEvent.Type, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Truncate(error), NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = stripeEvent.Payload.ToArray(), NpgsqlDbType = NpgsqlDbType.Bytea });
        return (int)(await command.ExecuteScalarAsync(cancellationToken) ?? 0);
    }

    /// <summary>
    /// The last error of an event just parked (its attempts reached <c>$2</c>, <c>Webhooks__MaxAttempts</c>): what to do
    /// first, since Stripe no longer retries it, then the error. Runs after <see cref="RecordAndSettleClaimSql"/>, in its
    /// transaction; it changes nothing for an event that is not parked.
    /// </summary>
    internal static readonly string MarkParkedSql = $"""
        UPDATE stripe_event_failures
        SET last_error = left('Parked after ' || attempts || ' attempts, so Stripe no longer retries it: fix the cause, then `webhooks replay '
            || event_id || '`. ' || last_error, {MaxErrorLength})
        WHERE event_id = $1 AND attempts >= $2
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

    /// <summary>As <see cref="Describe"/>, for an exception nobody anticipated: its type alone when its message cannot be read.</summary>
    internal static string DescribeSafely(Exception exception)
    {
        try
        {
            return Describe(exception);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return exception.GetType().Name;
        }
    }

    internal static string Truncate(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
}
