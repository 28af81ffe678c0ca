using Dapper;
using Npgsql;
using StripeWebhooks.Events;
using StripeWebhooks.Persistence;
using StripeWebhooks.Processing;

namespace StripeWebhooks.Operations;

/// <summary>
/// Re-runs the handlers of a failed or parked event from the payload kept in the failure ledger, in one
/// transaction with the claim, under the same ordering rules as a delivery; resolves the failure on success.
/// </summary>
internal sealed class EventReplayer(NpgsqlDataSource dataSource, StripeEventHandlerRegistry handlers, LivemodeFilter livemode)
{
    /// <summary>Replays <paramref name="eventId"/>; with <paramref name="dryRun"/> everything is rolled back.</summary>
    public async Task<ReplayResult> ReplayAsync(string eventId, bool dryRun, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Holding the ledger row keeps two operators from replaying the same event at once.
        byte[]? payload;
        await using (var load = new NpgsqlCommand("SELECT payload FROM stripe_event_failures WHERE event_id = $1 FOR UPDATE", connection, transaction))
        {
            load.Parameters.Add(new NpgsqlParameter<string> { TypedValue = eventId });
            payload = await load.ExecuteScalarAsync(cancellationToken) as byte[];
        }

        if (payload is null || !StripeEventParser.TryParse(payload, out var stripeEvent, out _))
        {
            return new ReplayResult(ReplayOutcome.NotFound, null, [], []);
        }

        if (livemode.Ignores(stripeEvent))
        {
            return new ReplayResult(ReplayOutcome.IgnoredLivemode, stripeEvent.Type, [], []);
        }

        if (!await ClaimForReplayAsync(connection, transaction, eventId, stripeEvent, cancellationToken))
        {
            if (!dryRun)
            {
                await ResolveAsync(connection, transaction, eventId, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            return new ReplayResult(ReplayOutcome.AlreadyProcessed, stripeEvent.Type, [], []);
        }

        // Pending per-table counters can include earlier transactions on this pooled backend: diff them.
        var before = await ReadChangesAsync(connection, transaction, cancellationToken);
        var ran = new List<string>();
        Action? afterCommit = null;
        try
        {
            foreach (var handler in handlers.For(stripeEvent.Type))
            {
                ran.Add(handler.GetType().Name);
                afterCommit += await StripeEventWriters.RunAsync(handler, stripeEvent, connection, transaction, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await transaction.RollbackAsync(cancellationToken);
            var error = FailureLedger.Describe(ex);
            if (!dryRun)
            {
                // The connection is free again once rolled back: the ledger write is its own transaction on it.
                await FailureLedger.RecordReplayFailureAsync(connection, stripeEvent, error, cancellationToken);
            }

            return new ReplayResult(ReplayOutcome.Failed, stripeEvent.Type, ran, [], error);
        }

        await ResolveAsync(connection, transaction, eventId, cancellationToken);
        var changes = Subtract(await ReadChangesAsync(connection, transaction, cancellationToken), before);
        if (dryRun)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new ReplayResult(ReplayOutcome.DryRun, stripeEvent.Type, ran, changes);
        }

        await transaction.CommitAsync(cancellationToken);
        afterCommit?.Invoke();
        return new ReplayResult(ReplayOutcome.Replayed, stripeEvent.Type, ran, changes);
    }

    private static async Task ResolveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string eventId, CancellationToken cancellationToken)
    {
        // The statement a delivery uses: it resolves only once the claim says 'processed' (never a still-parked event).
        await using var resolve = new NpgsqlCommand(EventClaimStore.ResolveFailureSql, connection, transaction);
        resolve.Parameters.Add(new NpgsqlParameter<string> { TypedValue = eventId });
        await resolve.ExecuteNonQueryAsync(cancellationToken);
    }

    // A parked claim becomes 'processed'; a missing claim is inserted (waiting for an in-flight delivery);
    // a 'processed' claim means a later delivery already succeeded.
    private static async Task<bool> ClaimForReplayAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string eventId, StripeEvent stripeEvent, CancellationToken cancellationToken)
    {
        await using var unpark = new NpgsqlCommand("""
            UPDATE processed_stripe_events SET outcome = 'processed', processed_at = now()
            WHERE event_id = $1 AND outcome = 'failed_permanent'
            """, connection, transaction);
        unpark.Parameters.Add(new NpgsqlParameter<string> { TypedValue = eventId });
        if (await unpark.ExecuteNonQueryAsync(cancellationToken) == 1)
        {
            return true;
        }

        // The same claim a delivery makes, so a delivery arriving meanwhile waits on it (and vice versa).
        await using var claim = new NpgsqlCommand(EventClaimStore.ClaimSql, connection, transaction);
        claim.Parameters.AddRange(EventClaimStore.ClaimParameters(stripeEvent));
        return await claim.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static List<TableChange> Subtract(IReadOnlyList<TableChange> after, IReadOnlyList<TableChange> before)
    {
        var earlier = before.ToDictionary(c => c.Table);
        return
        [
            .. after
                .Select(c => earlier.TryGetValue(c.Table, out var b) ? c with { Inserted = c.Inserted - b.Inserted, Updated = c.Updated - b.Updated, Deleted = c.Deleted - b.Deleted } : c)
                .Where(c => c.Inserted + c.Updated + c.Deleted > 0),
        ];
    }

    // The backend's pending row counts per table, excluding the pipeline's bookkeeping.
    private static async Task<IReadOnlyList<TableChange>> ReadChangesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var changes = await connection.QueryAsync<TableChange>(new CommandDefinition("""
            SELECT relname AS "Table", n_tup_ins AS "Inserted", n_tup_upd AS "Updated", n_tup_del AS "Deleted"
            FROM pg_stat_xact_user_tables
            WHERE n_tup_ins + n_tup_upd + n_tup_del > 0
              AND relname NOT IN ('processed_stripe_events', 'stripe_event_failures')
            ORDER BY relname
            """, transaction: transaction, cancellationToken: cancellationToken));
        return changes.AsList();
    }
}
