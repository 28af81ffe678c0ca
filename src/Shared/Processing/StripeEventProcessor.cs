using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StripeWebhooks.Events;
using StripeWebhooks.Observability;
using StripeWebhooks.Outbox;
using StripeWebhooks.Persistence;

namespace StripeWebhooks.Processing;

/// <summary>Applies a verified event exactly once: claim and side effects commit together or not at all.</summary>
internal sealed partial class StripeEventProcessor(
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

            var started = Stopwatch.GetTimestamp();
            if (eventHandlers.Writers is { } writers)
            {
                var run = await WriterRoundTrip.RunAsync(connection, claims, metrics, stripeEvent, writers, cancellationToken);
                return await FinishAsync(connection, stripeEvent, run, started, cancellationToken);
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var handled = await ClaimAndHandleAsync(connection, transaction, stripeEvent, eventHandlers.All, cancellationToken);
            return await FinishAsync(connection, stripeEvent, handled, started, cancellationToken);
        }
    }

    /// <summary>
    /// The end of every claimed unit of work, in one place: after a commit that happened, the handlers' after-commit
    /// work; after a handler failed, the failure recorded in the same transaction, and committed.
    /// </summary>
    private async Task<ProcessingResult> FinishAsync(NpgsqlConnection connection, StripeEvent stripeEvent, HandlerRun run, long started,
        CancellationToken cancellationToken)
    {
        switch (run.End)
        {
            case HandlerRun.Ending.Committed:
                metrics.HandlerDuration(Stopwatch.GetElapsedTime(started), stripeEvent.Type);
                run.AfterCommit?.Invoke();
                return new ProcessingResult(ProcessingOutcome.Processed);
            case HandlerRun.Ending.Duplicate:
                return new ProcessingResult(ProcessingOutcome.Duplicate);
            case HandlerRun.Ending.HandlerFailed:
                return await SettleFailureAsync(connection, stripeEvent, run.Error!, cancellationToken);
            default:
                if (run.Outcome == ProcessingOutcome.DatabaseUnavailable)
                {
                    LogDatabaseUnavailable(logger, run.Error!, stripeEvent.Id);
                }

                return new ProcessingResult(run.Outcome);
        }
    }

    /// <summary>A type with a handler that is not a writer: the claim's round trip, then the handlers in <paramref name="transaction"/>.</summary>
    /// <remarks>
    /// Writers' statements wait in a batch: sent just before the next handler that is not a writer, or with the COMMIT.
    /// A failing statement makes Postgres skip the rest of that batch, COMMIT included: the transaction stays open
    /// (failed) and is settled from the savepoint, as for a handler that threw.
    /// </remarks>
    private async Task<HandlerRun> ClaimAndHandleAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StripeEvent stripeEvent,
        IReadOnlyList<IStripeEventHandler> eventHandlers, CancellationToken cancellationToken)
    {
        try
        {
            var claim = await claims.TryClaimAsync(connection, transaction, stripeEvent, cancellationToken);
            metrics.Purged(claim.Purged, "opportunistic");
            if (!claim.Claimed)
            {
                // The opportunistic purge in the same batch still deserves its commit.
                await transaction.CommitAsync(cancellationToken);
                return HandlerRun.Duplicate;
            }
        }
        catch (Exception ex) when (ClaimFailure(ex, cancellationToken) is { } outcome)
        {
            return HandlerRun.Unfinished(outcome, ex);
        }

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

                // Handler order: earlier writers' statements run before this handler.
                if (writes.BatchCommands.Count > 0)
                {
                    await writes.ExecuteNonQueryAsync(cancellationToken);
                    writes.BatchCommands.Clear();
                }

                await handler.HandleAsync(stripeEvent, connection, transaction, cancellationToken);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return HandlerRun.HandlerFailed(ex);
        }

        writes.BatchCommands.Add(new NpgsqlBatchCommand(WriterRoundTrip.CommitSql));
        try
        {
            await writes.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            // Unknown whether COMMIT landed; Stripe's retry finds either the claim or nothing.
            return HandlerRun.Unfinished(ProcessingOutcome.DatabaseUnavailable, ex);
        }
        catch (PostgresException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return HandlerRun.HandlerFailed(ex);
        }

        // An application handler wrote outbox messages (StripeOutbox): dispatch them after the commit, off this path.
        if (StripeOutbox.WroteIn(transaction, stripeEvent))
        {
            afterCommit += outbox.Notify;
        }

        return HandlerRun.Committed(afterCommit);
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
            var claim = await claims.ClaimAloneAsync(connection, stripeEvent, cancellationToken);
            metrics.Purged(claim.Purged, "opportunistic");
            return new ProcessingResult(claim.Claimed ? ProcessingOutcome.Processed : ProcessingOutcome.Duplicate);
        }
        catch (Exception ex) when (ClaimFailure(ex, cancellationToken) is { } outcome)
        {
            return await FinishAsync(connection, stripeEvent, HandlerRun.Unfinished(outcome, ex), started: 0, cancellationToken);
        }
    }

    /// <remarks>
    /// Rolls back to the savepoint taken after the claim and, in the same transaction, records the failure and
    /// removes the claim (or parks it), then commits: one round trip. A duplicate waiting on the claim therefore sees
    /// the failure row the moment it can proceed, and resolves it when it succeeds.
    /// </remarks>
    private async Task<ProcessingResult> SettleFailureAsync(NpgsqlConnection connection, StripeEvent stripeEvent, Exception error, CancellationToken cancellationToken)
    {
        LogHandlerFailed(logger, error, stripeEvent.Id, stripeEvent.Type);
        int attempts;
        try
        {
            await using var settle = new NpgsqlBatch(connection);
            EventClaimStore.AddFailure(settle, stripeEvent, FailureLedger.Describe(error), _maxAttempts);
            settle.BatchCommands.Add(new NpgsqlBatchCommand(WriterRoundTrip.CommitSql));
            await using var reader = await settle.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            attempts = reader.GetInt32(0);
            while (await reader.NextResultAsync(cancellationToken))
            {
            }
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken) || ex is PostgresException)
        {
            // Nothing was committed: no claim, no side effects. Stripe's retry starts over.
            LogFailureNotRecorded(logger, ex, stripeEvent.Id);
            await RollBackQuietlyAsync(connection);
            return new ProcessingResult(ProcessingOutcome.DatabaseUnavailable);
        }

        if (attempts < _maxAttempts)
        {
            return new ProcessingResult(ProcessingOutcome.Failed, attempts);
        }

        LogParked(logger, stripeEvent.Id, stripeEvent.Type, attempts);
        return new ProcessingResult(ProcessingOutcome.FailedPermanent, attempts);
    }

    private static async Task RollBackQuietlyAsync(NpgsqlConnection connection)
    {
        try
        {
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
    internal static ProcessingOutcome? ClaimFailure(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable } => ProcessingOutcome.InFlight,
        _ when IsUnavailable(ex, cancellationToken) => ProcessingOutcome.DatabaseUnavailable,
        _ => null,
    };

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
