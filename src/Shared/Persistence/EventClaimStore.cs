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

    /// <summary>Savepoint taken right after the claim, before the handlers run.</summary>
    public const string HandlersSavepoint = "stripe_webhook_handlers";

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

    // Handlers run after this savepoint; a failure rolls back to it, keeping the claim's row lock while the
    // failure is recorded and the claim removed (or parked) in the same commit.
    private const string SavepointSql = "SAVEPOINT " + HandlersSavepoint;

    // Runs after the claim with a fresh snapshot, so it sees a failure committed by the delivery it waited for.
    // Undone with the handlers' writes if a handler throws; a parked event's failure stays open.
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
        batch.BatchCommands.Add(Command(SavepointSql));
        batch.BatchCommands.Add(Command(ResolveFailureSql, Text(stripeEvent.Id)));

        await batch.ExecuteNonQueryAsync(cancellationToken);
        return new ClaimResult(claim.RecordsAffected == 1, purge?.RecordsAffected ?? 0);
    }

    /// <summary>
    /// After a handler threw: rolls back to the savepoint (undoing every handler write), records the failure,
    /// and removes the claim, or keeps it as <c>failed_permanent</c> once <paramref name="maxAttempts"/> is
    /// reached. One round trip; the caller commits. Returns the attempts counted so far.
    /// </summary>
    /// <remarks>
    /// Doing this inside the claim's transaction makes it atomic: a duplicate waiting on the claim wakes up
    /// only after the failure is committed, so it always sees (and, on success, resolves) the failure row.
    /// </remarks>
    public static async Task<int> RecordFailureAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StripeEvent stripeEvent, string error, int maxAttempts, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Command("ROLLBACK TO SAVEPOINT " + HandlersSavepoint));
        var record = Command(FailureLedger.RecordAndSettleClaimSql, Text(stripeEvent.Id), Text(stripeEvent.Type), Text(FailureLedger.Truncate(error)),
            new NpgsqlParameter<byte[]> { TypedValue = stripeEvent.Payload.ToArray(), NpgsqlDbType = NpgsqlDbType.Bytea },
            Int(maxAttempts));
        batch.BatchCommands.Add(record);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetInt32(0);
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
