using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using StripeWebhooks.Configuration;
using StripeWebhooks.Events;

namespace StripeWebhooks.Persistence;

/// <summary>The claim: one row per event in <c>processed_stripe_events</c>, inserted in the transaction that applies it.</summary>
public sealed class EventClaimStore(IOptions<WebhookOptions> options)
{
    /// <summary>Outcome stored for an event whose handlers committed.</summary>
    public const string ProcessedOutcome = "processed";

    /// <summary>Outcome stored for an event parked after too many failures.</summary>
    public const string FailedPermanentOutcome = "failed_permanent";

    private const string SetLockTimeoutSql = "SELECT set_config('lock_timeout', $1, true)";

    // Expired rows only, oldest first, skipping rows other requests hold: the purge never waits.
    private const string OpportunisticPurgeSql = """
        DELETE FROM processed_stripe_events
        WHERE event_id IN (
            SELECT event_id FROM processed_stripe_events
            WHERE processed_at < now() - make_interval(days => $1)
            ORDER BY processed_at
            LIMIT $2
            FOR UPDATE SKIP LOCKED)
        """;

    // A concurrent delivery of the same id waits here on the primary key until the first commits or rolls back.
    private const string ClaimSql = """
        INSERT INTO processed_stripe_events (event_id, event_type, event_created, livemode)
        VALUES ($1, $2, $3, $4)
        ON CONFLICT (event_id) DO NOTHING
        """;

    // Runs after the claim with a fresh snapshot, so it sees a failure recorded by the delivery it waited for.
    // Rolled back with everything else if a handler throws; a parked event's failure stays open.
    private const string ResolveFailureSql = """
        UPDATE stripe_event_failures SET resolved_at = now(), payload = NULL
        WHERE event_id = $1 AND resolved_at IS NULL
          AND EXISTS (SELECT 1 FROM processed_stripe_events WHERE event_id = $1 AND outcome = 'processed')
        """;

    private readonly WebhookOptions _options = options.Value;

    /// <summary>
    /// In one round trip: sets the lock timeout, purges a small batch of expired claims, claims the event and
    /// resolves its open failure. <see cref="ClaimResult.Claimed"/> is false for a duplicate.
    /// </summary>
    /// <exception cref="PostgresException">SQLSTATE 55P03 when a concurrent delivery held the claim past the lock timeout.</exception>
    public async Task<ClaimResult> TryClaimAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StripeEvent stripeEvent, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Command(SetLockTimeoutSql, Text((_options.LockTimeoutSeconds * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture))));
        NpgsqlBatchCommand? purge = null;
        if (_options.OpportunisticPurgeBatchSize > 0)
        {
            purge = Command(OpportunisticPurgeSql, Int(_options.RetentionDays), Int(_options.OpportunisticPurgeBatchSize));
            batch.BatchCommands.Add(purge);
        }

        var claim = Command(ClaimSql, Text(stripeEvent.Id), Text(stripeEvent.Type),
            new NpgsqlParameter<DateTimeOffset> { TypedValue = stripeEvent.Created, NpgsqlDbType = NpgsqlDbType.TimestampTz },
            new NpgsqlParameter<bool> { TypedValue = stripeEvent.Livemode });
        batch.BatchCommands.Add(claim);
        batch.BatchCommands.Add(Command(ResolveFailureSql, Text(stripeEvent.Id)));

        await batch.ExecuteNonQueryAsync(cancellationToken);
        return new ClaimResult(claim.RecordsAffected == 1, purge?.RecordsAffected ?? 0);
    }

    /// <summary>Commits a claim with outcome <c>failed_permanent</c> in its own transaction; false if already claimed.</summary>
    public static async Task<bool> ParkAsync(NpgsqlConnection connection, StripeEvent stripeEvent, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO processed_stripe_events (event_id, event_type, event_created, livemode, outcome)
            VALUES ($1, $2, $3, $4, 'failed_permanent')
            ON CONFLICT (event_id) DO NOTHING
            """, connection);
        command.Parameters.Add(Text(stripeEvent.Id));
        command.Parameters.Add(Text(stripeEvent.Type));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = stripeEvent.Created, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = stripeEvent.Livemode });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter<string> Text(string value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter<int> Int(int value) => new() { TypedValue = value };
}
