using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StripeWebhooks.Configuration;
using StripeWebhooks.Events;
using StripeWebhooks.Observability;
using StripeWebhooks.Outbox;
using StripeWebhooks.Persistence;

namespace StripeWebhooks.Processing;

/// <summary>Applies a verified event exactly once: claim and side effects commit together or not at all.</summary>
public sealed partial class StripeEventProcessor(
    NpgsqlDataSource dataSource,
    EventClaimStore claims,
    StripeEventHandlerRegistry handlers,
    WebhookMetrics metrics,
    OutboxSignal outbox,
    LivemodeFilter livemode,
    IOptions<WebhookOptions> options,
    ILogger<StripeEventProcessor> logger)
{
    private readonly int _maxAttempts = options.Value.MaxAttempts;

    /// <summary>Claims <paramref name="stripeEvent"/> and runs its handlers in one transaction.</summary>
    public async Task<ProcessingResult> ProcessAsync(StripeEvent stripeEvent, CancellationToken cancellationToken)
    {
        // Before the claim: an event of the other mode is never claimed, so a later change of the setting can apply it.
        if (livemode.Ignores(stripeEvent))
        {
            return new ProcessingResult(ProcessingOutcome.IgnoredLivemode);
        }

        NpgsqlConnection connection;
        try
        {
            connection = await dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            LogDatabaseUnavailable(logger, ex, stripeEvent.Id);
            return new ProcessingResult(ProcessingOutcome.DatabaseUnavailable);
        }

        await using (connection)
        {
            var eventHandlers = handlers.Lookup(stripeEvent.Type);
            if (eventHandlers.All.Length == 0)
            {
                return await AcknowledgeAsync(connection, stripeEvent, cancellationToken);
            }

            if (eventHandlers.Writers is { } writers)
            {
                return await ClaimAndWriteAsync(connection, stripeEvent, writers, cancellationToken);
            }

            return await ClaimAndHandleAsync(connection, stripeEvent, eventHandlers.All, cancellationToken);
        }
    }

    /// <summary>A type an application handler reads: the claim's round trip, then the handlers in the same transaction.</summary>
    private async Task<ProcessingResult> ClaimAndHandleAsync(NpgsqlConnection connection, StripeEvent stripeEvent,
        IReadOnlyList<IStripeEventHandler> eventHandlers, CancellationToken cancellationToken)
    {
        // Disposing an uncommitted transaction rolls it back: every early return below undoes the claim.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            var claim = await claims.TryClaimAsync(connection, transaction, stripeEvent, cancellationToken);
            metrics.Purged(claim.Purged, "opportunistic");
            if (!claim.Claimed)
            {
                // The opportunistic purge in the same batch still deserves its commit.
                await transaction.CommitAsync(cancellationToken);
                return new ProcessingResult(ProcessingOutcome.Duplicate);
            }
        }
        catch (Exception ex) when (ClaimFailure(ex, cancellationToken) is { } outcome)
        {
            return Unfinished(outcome, ex, stripeEvent);
        }

        var started = Stopwatch.GetTimestamp();

        // Writers' statements wait here: sent just before the next handler that is not a writer, or with the COMMIT.
        await using var writes = new NpgsqlBatch(connection, transaction);
        Action? afterCommit = null;
        try
        {
            foreach (var handler in eventHandlers)
            {
                if (handler is IStripeEventWriter writer)
                {
                    afterCommit += writer.AddCommands(stripeEvent, writes);
                    continue;
                }

                // Keep the order handlers were registered in: earlier writers' statements run first, and the
                // planner settings they changed for themselves are Postgres's again for this handler.
                if (writes.BatchCommands.Count > 0)
                {
                    writes.BatchCommands.Add(new NpgsqlBatchCommand(SqlCommands.RestorePlannerSettingsSql));
                    await writes.ExecuteNonQueryAsync(cancellationToken);
                    writes.BatchCommands.Clear();
                }

                await handler.HandleAsync(stripeEvent, connection, transaction, cancellationToken);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return await FailAsync(stripeEvent, connection, transaction, ex, cancellationToken);
        }

        // A failing statement makes Postgres skip the rest of the batch, COMMIT included: the transaction is
        // still open (failed) and FailAsync rolls back to the savepoint, as for a handler that threw.
        writes.BatchCommands.Add(new NpgsqlBatchCommand(CommitSql));
        try
        {
            await writes.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            // Unknown whether COMMIT landed; Stripe's retry finds either the claim or nothing.
            LogDatabaseUnavailable(logger, ex, stripeEvent.Id);
            return new ProcessingResult(ProcessingOutcome.DatabaseUnavailable);
        }
        catch (PostgresException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return await FailAsync(stripeEvent, connection, transaction, ex, cancellationToken);
        }

        metrics.HandlerDuration(Stopwatch.GetElapsedTime(started), stripeEvent.Type);
        afterCommit?.Invoke();
        // An application handler wrote outbox messages (StripeOutbox): dispatch them now, off this path.
        if (StripeOutbox.WroteIn(transaction, stripeEvent))
        {
            outbox.Notify();
        }
        return new ProcessingResult(ProcessingOutcome.Processed);
    }

    /// <summary>Every handler of the type is an <see cref="IStripeEventWriter"/> (the built-in ones): one round trip.</summary>
    /// <remarks>
    /// BEGIN, the claim batch, the writers' statements and COMMIT go in one batch. The writers' statements run
    /// whether or not the claim succeeded, and change nothing unless it did (each is guarded by
    /// <see cref="EventClaimStore.ClaimedByThisTransaction"/>): a duplicate commits only the purge. A writer
    /// statement that fails makes Postgres skip the rest, COMMIT included, and leaves the transaction open (failed)
    /// for <see cref="FailAsync"/> to roll back to the savepoint the claim batch took before them.
    /// </remarks>
    private async Task<ProcessingResult> ClaimAndWriteAsync(NpgsqlConnection connection, StripeEvent stripeEvent,
        IStripeEventWriter[] writers, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var batch = new NpgsqlBatch(connection);
        var claimStatements = claims.AddClaim(batch, stripeEvent, ClaimScope.BeginsTransaction);
        var firstWrite = batch.BatchCommands.Count;
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
            // Refused before anything was sent (say, an unknown price): claim, then record the failure as usual.
            refused = ex;
            while (batch.BatchCommands.Count > firstWrite)
            {
                batch.BatchCommands.RemoveAt(batch.BatchCommands.Count - 1);
            }
        }

        ClaimResult claim;
        try
        {
            claim = await claims.ExecuteAsync(batch, claimStatements, cancellationToken);
        }
        catch (PostgresException ex) when (!cancellationToken.IsCancellationRequested && claimStatements.Claim.RecordsAffected == 1)
        {
            // The claim went through (its row count is known only once it completed), so a statement after the
            // savepoint failed: a writer's (or COMMIT). Npgsql does not say which statement of a batch failed.
            return await FailAsync(stripeEvent, connection, transaction: null, ex, cancellationToken);
        }
        catch (Exception ex) when (ClaimFailure(ex, cancellationToken) is { } outcome)
        {
            return Unfinished(outcome, ex, stripeEvent);
        }

        metrics.Purged(claim.Purged, "opportunistic");
        if (refused is not null)
        {
            if (claim.Claimed)
            {
                return await FailAsync(stripeEvent, connection, transaction: null, refused, cancellationToken);
            }

            await CommitAsync(connection, transaction: null, cancellationToken);
            return new ProcessingResult(ProcessingOutcome.Duplicate);
        }

        if (!claim.Claimed)
        {
            return new ProcessingResult(ProcessingOutcome.Duplicate);
        }

        metrics.HandlerDuration(Stopwatch.GetElapsedTime(started), stripeEvent.Type);
        afterCommit?.Invoke();
        return new ProcessingResult(ProcessingOutcome.Processed);
    }

    /// <summary>A type no handler reads: the claim is all there is to apply.</summary>
    /// <remarks>
    /// The claim batch then runs without BEGIN and COMMIT: Postgres wraps a batch in one implicit transaction,
    /// so the purge, the claim and the failure's resolution still commit together, in one round trip instead
    /// of two. A duplicate still waits on the first delivery's claim, within the same lock timeout.
    /// </remarks>
    private async Task<ProcessingResult> AcknowledgeAsync(NpgsqlConnection connection, StripeEvent stripeEvent, CancellationToken cancellationToken)
    {
        try
        {
            var claim = await claims.TryClaimAsync(connection, transaction: null, stripeEvent, cancellationToken);
            metrics.Purged(claim.Purged, "opportunistic");
            return new ProcessingResult(claim.Claimed ? ProcessingOutcome.Processed : ProcessingOutcome.Duplicate);
        }
        catch (Exception ex) when (ClaimFailure(ex, cancellationToken) is { } outcome)
        {
            return Unfinished(outcome, ex, stripeEvent);
        }
    }

    /// <remarks>
    /// Rolls back to the savepoint taken after the claim and, in the same transaction, records the failure and
    /// removes the claim (or parks it). A duplicate waiting on the claim therefore sees the failure row the
    /// moment it can proceed, and resolves it when it succeeds.
    /// </remarks>
    private async Task<ProcessingResult> FailAsync(StripeEvent stripeEvent, NpgsqlConnection connection, NpgsqlTransaction? transaction, Exception error, CancellationToken cancellationToken)
    {
        LogHandlerFailed(logger, error, stripeEvent.Id, stripeEvent.Type);
        int attempts;
        try
        {
            var description = FailureLedger.Describe(error);
            attempts = await EventClaimStore.RecordFailureAsync(connection, transaction, stripeEvent, description, _maxAttempts, cancellationToken);
            if (attempts >= _maxAttempts)
            {
                // Rare, so its own statement rather than a branch of the ledger's: say how to replay it.
                await FailureLedger.MarkParkedAsync(connection, transaction, stripeEvent.Id, attempts, description, cancellationToken);
            }

            await CommitAsync(connection, transaction, cancellationToken);
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken) || ex is PostgresException)
        {
            // Nothing was committed: no claim, no side effects. Stripe's retry starts over.
            LogFailureNotRecorded(logger, ex, stripeEvent.Id);
            await RollBackQuietlyAsync(connection, transaction);
            return new ProcessingResult(ProcessingOutcome.DatabaseUnavailable);
        }

        if (attempts < _maxAttempts)
        {
            return new ProcessingResult(ProcessingOutcome.Failed, attempts);
        }

        LogParked(logger, stripeEvent.Id, stripeEvent.Type, attempts);
        return new ProcessingResult(ProcessingOutcome.FailedPermanent, attempts);
    }

    private const string CommitSql = "COMMIT";

    /// <summary>Commits <paramref name="transaction"/>, or the transaction the claim batch opened when it is null.</summary>
    private static async Task CommitAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
            return;
        }

        await using var commit = new NpgsqlCommand(CommitSql, connection);
        await commit.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task RollBackQuietlyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        try
        {
            if (transaction is not null)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                return;
            }

            await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // A broken connection has already lost the transaction; nothing was committed.
        }
    }

    /// <summary>
    /// How a claim round trip that threw ends: a duplicate held the claim past the lock timeout (409), or Postgres
    /// could not be reached (503; unknown whether a batch that ended with COMMIT committed, Stripe's retry finds
    /// either the claim or nothing). Null for anything else, which propagates.
    /// </summary>
    private static ProcessingOutcome? ClaimFailure(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable } => ProcessingOutcome.InFlight,
        _ when IsUnavailable(ex, cancellationToken) => ProcessingOutcome.DatabaseUnavailable,
        _ => null,
    };

    private ProcessingResult Unfinished(ProcessingOutcome outcome, Exception ex, StripeEvent stripeEvent)
    {
        if (outcome == ProcessingOutcome.DatabaseUnavailable)
        {
            LogDatabaseUnavailable(logger, ex, stripeEvent.Id);
        }

        return new ProcessingResult(outcome);
    }

    /// <summary>True for failures to reach Postgres (as opposed to errors Postgres reported).</summary>
    internal static bool IsUnavailable(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && ex switch
        {
            PostgresException pg => pg.SqlState is PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.AdminShutdown
                or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.TooManyConnections,
            NpgsqlException => true,
            TimeoutException or System.Net.Sockets.SocketException or IOException => true,
            InvalidOperationException when ex.InnerException is NpgsqlException => true,
            _ => false,
        };

    [LoggerMessage(Level = LogLevel.Error, Message = "Handler failed for {EventId} ({EventType}); rolled back")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string eventId, string eventType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record the failure of {EventId}; Stripe will retry")]
    private static partial void LogFailureNotRecorded(ILogger logger, Exception exception, string eventId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Parked {EventId} ({EventType}) as failed_permanent after {Attempts} attempts; replay it with `webhooks replay`")]
    private static partial void LogParked(ILogger logger, string eventId, string eventType, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unavailable while processing {EventId}")]
    private static partial void LogDatabaseUnavailable(ILogger logger, Exception exception, string eventId);
}
