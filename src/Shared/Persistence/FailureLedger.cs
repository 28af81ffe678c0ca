using Npgsql;
using NpgsqlTypes;
using StripeWebhooks.Events;

namespace StripeWebhooks.Persistence;

/// <summary>The failure ledger (<c>stripe_event_failures</c>): one row per failing event, written outside the attempt's transaction.</summary>
public static class FailureLedger
{
    /// <summary>Longest error text kept; enough for a type and message, never a payload dump.</summary>
    public const int MaxErrorLength = 2000;

    /// <summary>Records one failed attempt and returns the attempts counted so far.</summary>
    /// <remarks>A failure after a resolved one starts counting again from 1.</remarks>
    public static async Task<int> RecordAsync(NpgsqlConnection connection, StripeEvent stripeEvent, string error, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
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
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stripeEvent.Id, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stripeEvent.Type, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Truncate(error), NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = stripeEvent.Payload.ToArray(), NpgsqlDbType = NpgsqlDbType.Bytea });
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Describes an exception for the ledger: type and message, bounded.</summary>
    public static string Describe(Exception exception) => Truncate($"{exception.GetType().Name}: {exception.Message}");

    private static string Truncate(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
}
