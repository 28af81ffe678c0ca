using Npgsql;
using StripeWebhooks.Events;
using StripeWebhooks.Observability;
using StripeWebhooks.Persistence;

namespace StripeWebhooks.Processing;

/// <summary>
/// The one-round-trip path, for an event type whose handlers are all <see cref="IStripeEventWriter"/>s (the built-in
/// ones): BEGIN, the claim, the writers' statements and COMMIT go to Postgres as one batch.
/// </summary>
/// <remarks>
/// Its rules:
/// <list type="number">
/// <item>BEGIN and COMMIT are statements of the batch: no <see cref="NpgsqlTransaction"/>, whose BEGIN is a simple query
/// whose reply Postgres flushes on its own.</item>
/// <item>The writers' statements run whether or not the claim succeeded and change nothing unless it did (each is guarded
/// by <see cref="EventClaimStore.ClaimedByThisTransaction"/>): a duplicate commits only the purge.</item>
/// <item>A statement that fails makes Postgres skip the rest of the batch, COMMIT included.
/// <c>PostgresException.BatchCommand</c> (Npgsql sets it) names it: after the claim's savepoint, and this delivery inserted
/// the claim, the handlers failed and the transaction is left open for the processor to settle from the savepoint. Otherwise
/// it is not this delivery's handler failure (a duplicate must never settle the claim another delivery committed).</item>
/// <item>A writer that refuses the event before anything is sent (say, an unknown price) leaves its statements and the
/// COMMIT out: the claim goes alone, the refusal is settled like a failed statement, a duplicate's purge rolled back.</item>
/// <item>After-commit work is handed back only when the COMMIT ran.</item>
/// </list>
/// </remarks>
internal static class WriterRoundTrip
{
    public const string CommitSql = "COMMIT";

    public static async Task<HandlerRun> RunAsync(NpgsqlConnection connection, EventClaimStore claims, WebhookMetrics metrics,
        StripeEvent stripeEvent, IStripeEventWriter[] writers, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { new NpgsqlBatchCommand("BEGIN") } };
        var claimStatements = claims.AddClaim(batch, stripeEvent, handlersFollow: true);
        var claimOnly = batch.BatchCommands.Count;
        Action? afterCommit = null;
        Exception? refused = null;
        try
        {
            foreach (var writer in writers)
            {
                afterCommit += writer.AddCommands(stripeEvent, batch);
            }

            batch.BatchCommands.Add(new NpgsqlBatchCommand(CommitSql));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            refused = ex;
            while (batch.BatchCommands.Count > claimOnly)
            {
                batch.BatchCommands.RemoveAt(batch.BatchCommands.Count - 1);
            }
        }

        ClaimResult claim;
        try
        {
            claim = await claims.ExecuteAsync(batch, claimStatements, cancellationToken);
        }
        catch (PostgresException ex) when (!cancellationToken.IsCancellationRequested && claimStatements.Claim.RecordsAffected == 1
                                           && ex.BatchCommand is { } failed
                                           && batch.BatchCommands.IndexOf(failed) > batch.BatchCommands.IndexOf(claimStatements.Savepoint!))
        {
            return HandlerRun.HandlerFailed(ex);
        }
        catch (Exception ex) when (StripeEventProcessor.ClaimFailure(ex, cancellationToken) is { } outcome)
        {
            return HandlerRun.Unfinished(outcome, ex);
        }

        metrics.Purged(claim.Purged, "opportunistic");
        return !claim.Claimed ? HandlerRun.Duplicate
            : refused is not null ? HandlerRun.HandlerFailed(refused)
            : HandlerRun.Committed(afterCommit);
    }
}
