using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using StripeWebhooks.Events;
using static StripeWebhooks.Persistence.SqlCommands;

namespace StripeWebhooks.Persistence;

/// <summary>The claim: one row per event in <c>processed_stripe_events</c>, inserted in the transaction that applies it.</summary>
internal sealed class EventClaimStore(IOptions<WebhookOptions> options)
{
    /// <summary>Savepoint taken right after the claim, before the handlers run.</summary>
    public const string HandlersSavepoint = "stripe_webhook_handlers";

    // The purge is planned once per connection, with the processed_at index and its plan kept (IndexPlans; sorts off
    // too, so only the index gives the order): bench/README.md, "Index plans".
    internal const string BeginPurgeSql =
        $"SELECT set_config('lock_timeout', $1, true), {IndexPlans.Settings}, set_config('enable_sort', 'off', true)";

    // Claims that expired within the last hour, oldest first, from where this process's last purge stopped
    // ($3), skipping rows other requests hold: the purge never waits, and never walks again over the index
    // entries of rows it already deleted (until VACUUM removes them, each would cost every later request).
    // Older claims are the retention purge's (RetentionPurger). "ctid = ANY(ARRAY(...))" rather than
    // "event_id IN (...)": the DELETE goes straight to the rows the subquery locked (their ctid cannot change
    // while locked), never joining the table nor probing the primary key once per row.
    internal const string OpportunisticPurgeSql = """
        WITH purged AS (
            DELETE FROM processed_stripe_events
            WHERE ctid = ANY (ARRAY(
                SELECT ctid FROM processed_stripe_events
                WHERE processed_at >= greatest($3, now() - make_interval(days => $1, hours => 1))
                  AND processed_at < now() - make_interval(days => $1)
                ORDER BY processed_at
                LIMIT $2
                FOR UPDATE SKIP LOCKED))
            RETURNING processed_at)
        SELECT count(*), max(processed_at) FROM purged
        """;

    // Postgres's defaults again: the purge restores what it set, for the claim and whatever follows.
    internal const string EndPurgeSql = $"SELECT {IndexPlans.DefaultSettings}, set_config('enable_sort', 'on', true)";

    internal const string SetLockTimeoutSql = "SELECT set_config('lock_timeout', $1, true)";

    // A concurrent delivery of the same id waits here on the primary key until the first commits or rolls back.
    internal const string ClaimSql = """
        INSERT INTO processed_stripe_events (event_id, event_type, event_created, livemode)
        VALUES ($1, $2, $3, $4)
        ON CONFLICT (event_id) DO NOTHING
        """;

    // Handlers run after this savepoint; a failure rolls back to it, keeping the claim's row lock while the
    // failure is recorded and the claim removed (or parked) in the same commit.
    internal const string SavepointSql = "SAVEPOINT " + HandlersSavepoint;

    // Runs after the claim with a fresh snapshot, so it sees a failure committed by the delivery it waited for.
    // Undone with the handlers' writes if a handler throws; a parked event's failure stays open.
    internal const string ResolveFailureSql = """
        UPDATE stripe_event_failures SET resolved_at = now(), payload = NULL
        WHERE event_id = $1 AND resolved_at IS NULL
          AND EXISTS (SELECT 1 FROM processed_stripe_events WHERE event_id = $1 AND outcome = 'processed')
        """;

    private readonly WebhookOptions _options = options.Value;
    private readonly string _lockTimeoutMs = (options.Value.LockTimeoutSeconds * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);

    // One request in this many purges: with nothing expired the purge costs about as much Postgres time as the claim
    // itself, and a batch of 100 every 8 requests keeps up with many times the traffic that expires (bench/README.md,
    // "Figures from code comments"). After a full batch the next request purges too.
    internal const int PurgeEveryRequests = 8;

    // processed_at of the newest claim this process's opportunistic purge deleted (UTC ticks).
    private long _purgedThroughTicks = DateTime.MinValue.Ticks;
    private long _requests = -1;
    private volatile bool _backlog;

    /// <summary>
    /// In one round trip, in <paramref name="transaction"/>: sets the lock timeout, on one request in eight purges a small
    /// batch of expired claims, claims the event, takes the savepoint handlers roll back to, and resolves the event's open
    /// failure. <see cref="ClaimResult.Claimed"/> is false for a duplicate.
    /// </summary>
    /// <exception cref="PostgresException">SQLSTATE 55P03 when a concurrent delivery held the claim past the lock timeout.</exception>
    public async Task<ClaimResult> TryClaimAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StripeEvent stripeEvent, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        return await ExecuteAsync(batch, AddClaim(batch, stripeEvent, handlersFollow: true), cancellationToken);
    }

    /// <summary>
    /// The same claim for an event no handler reads, with no transaction around it: the batch commits on its own
    /// (Postgres runs it as one implicit transaction) and takes no savepoint.
    /// </summary>
    /// <exception cref="PostgresException">SQLSTATE 55P03 when a concurrent delivery held the claim past the lock timeout.</exception>
    public async Task<ClaimResult> ClaimAloneAsync(NpgsqlConnection connection, StripeEvent stripeEvent, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        return await ExecuteAsync(batch, AddClaim(batch, stripeEvent, handlersFollow: false), cancellationToken);
    }

    /// <summary>Adds the claim's statements to <paramref name="batch"/>, to run with <see cref="ExecuteAsync"/>.</summary>
    internal ClaimStatements AddClaim(NpgsqlBatch batch, StripeEvent stripeEvent, bool handlersFollow)
    {
        var purge = _options.OpportunisticPurgeBatchSize > 0
                    && (_backlog || Interlocked.Increment(ref _requests) % PurgeEveryRequests == 0);
        if (purge)
        {
            batch.BatchCommands.Add(Command(BeginPurgeSql, Text(_lockTimeoutMs)));
            batch.BatchCommands.Add(Command(OpportunisticPurgeSql, Int(_options.RetentionDays), Int(_options.OpportunisticPurgeBatchSize),
                new NpgsqlParameter<DateTime> { TypedValue = new DateTime(Volatile.Read(ref _purgedThroughTicks), DateTimeKind.Utc) }));
            batch.BatchCommands.Add(Command(EndPurgeSql));
        }
        else
        {
            batch.BatchCommands.Add(Command(SetLockTimeoutSql, Text(_lockTimeoutMs)));
        }

        var claim = Command(ClaimSql, ClaimParameters(stripeEvent));
        batch.BatchCommands.Add(claim);
        // SAVEPOINT needs a transaction block; without handlers there is nothing to roll back to.
        var savepoint = handlersFollow ? Command(SavepointSql) : null;
        if (savepoint is not null)
        {
            batch.BatchCommands.Add(savepoint);
        }

        batch.BatchCommands.Add(Command(ResolveFailureSql, Text(stripeEvent.Id)));
        return new ClaimStatements(claim, savepoint, purge);
    }

    /// <summary><see cref="ClaimSql"/>'s parameters for <paramref name="stripeEvent"/> (deliveries and replays claim alike).</summary>
    internal static NpgsqlParameter[] ClaimParameters(StripeEvent stripeEvent) =>
        [Text(stripeEvent.Id), Text(stripeEvent.Type), Time(stripeEvent.Created), Bool(stripeEvent.Livemode)];

    /// <summary>
    /// SQL that is true only in the transaction that claimed the event whose id <paramref name="eventIdParameter"/>
    /// holds (inserted its claim, or un-parked it in a replay): the claim row's version is this transaction's.
    /// For statements sent in the claim's own batch, before anyone knows whether the claim succeeded.
    /// </summary>
    internal static string ClaimedByThisTransaction(string eventIdParameter) =>
        $"EXISTS (SELECT 1 FROM processed_stripe_events WHERE event_id = {eventIdParameter} AND xmin = pg_current_xact_id_if_assigned()::xid)";

    /// <summary>Runs <paramref name="batch"/> (the claim's statements and whatever followed) and reads what the claim did.</summary>
    /// <exception cref="PostgresException">
    /// A statement failed (its <c>BatchCommand</c> says which): SQLSTATE 55P03 on the claim when a
    /// concurrent delivery held it past the lock timeout.
    /// </exception>
    internal async Task<ClaimResult> ExecuteAsync(NpgsqlBatch batch, ClaimStatements statements, CancellationToken cancellationToken)
    {
        var purge = statements.Purges;
        var claim = statements.Claim;
        var purged = 0;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            // The reader starts at the purge settings' row (BEGIN returns no rows, so it has no result); the purge's follows.
            if (purge && await reader.NextResultAsync(cancellationToken) && await reader.ReadAsync(cancellationToken))
            {
                purged = (int)reader.GetInt64(0);
                _backlog = purged == _options.OpportunisticPurgeBatchSize;
                if (purged > 0)
                {
                    AdvancePurgedThrough(reader.GetFieldValue<DateTime>(1));
                }
            }

            while (await reader.NextResultAsync(cancellationToken))
            {
            }
        }

        return new ClaimResult(claim.RecordsAffected == 1, purged);
    }

    /// <summary>
    /// After a handler failed: adds the statements that roll back to the savepoint (undoing every handler write), record
    /// the failure, and remove the claim, or keep it as <c>failed_permanent</c> once <paramref name="maxAttempts"/> is
    /// reached. The caller adds the COMMIT. The batch's first result is the attempts counted so far.
    /// </summary>
    /// <remarks>
    /// Doing this inside the claim's transaction makes it atomic: a duplicate waiting on the claim wakes up
    /// only after the failure is committed, so it always sees (and, on success, resolves) the failure row.
    /// </remarks>
    public static void AddFailure(NpgsqlBatch batch, StripeEvent stripeEvent, string error, int maxAttempts)
    {
        batch.BatchCommands.Add(Command("ROLLBACK TO SAVEPOINT " + HandlersSavepoint));
        batch.BatchCommands.Add(Command(FailureLedger.RecordAndSettleClaimSql, Text(stripeEvent.Id), Text(stripeEvent.Type), Text(FailureLedger.Truncate(error)),
            new NpgsqlParameter<byte[]> { TypedValue = stripeEvent.Payload.ToArray(), NpgsqlDbType = NpgsqlDbType.Bytea },
            Int(maxAttempts)));
        batch.BatchCommands.Add(Command(FailureLedger.MarkParkedSql, Text(stripeEvent.Id), Int(maxAttempts)));
    }

    // Several requests purge at once; the newest point any of them reached wins. Should this transaction roll
    // back, the rows it deleted come back behind the mark: the retention purge takes them.
    private void AdvancePurgedThrough(DateTime purgedThrough)
    {
        var ticks = purgedThrough.Ticks;
        for (var seen = Volatile.Read(ref _purgedThroughTicks); ticks > seen;)
        {
            var previous = Interlocked.CompareExchange(ref _purgedThroughTicks, ticks, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
