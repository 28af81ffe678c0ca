using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StripeWebhooks.Configuration;
using StripeWebhooks.Events;
using StripeWebhooks.Observability;
using StripeWebhooks.Persistence;

namespace StripeWebhooks.Processing;

/// <summary>Applies a verified event exactly once: claim and side effects commit together or not at all.</summary>
public sealed partial class StripeEventProcessor(
    NpgsqlDataSource dataSource,
    EventClaimStore claims,
    StripeEventHandlerRegistry handlers,
    WebhookMetrics metrics,
    IOptions<WebhookOptions> options,
    ILogger<StripeEventProcessor> logger)
{
    private readonly int _maxAttempts = options.Value.MaxAttempts;

    /// <summary>Claims <paramref name="stripeEvent"/> and runs its handlers in one transaction.</summary>
    public async Task<ProcessingResult> ProcessAsync(StripeEvent stripeEvent, CancellationToken cancellationToken)
    {
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
            var eventHandlers = handlers.For(stripeEvent.Type);
            if (eventHandlers.Count == 0)
            {
                return await AcknowledgeAsync(connection, stripeEvent, cancellationToken);
            }

            // Writers only (the built-in handlers): the claim batch opens the transaction with a BEGIN statement of
            // its own. Otherwise the handlers get an NpgsqlTransaction, whose BEGIN Npgsql sends ahead of the batch.
            // Either way an early return below rolls back: disposing the transaction, or returning the connection
            // to the pool with a transaction open, undoes the claim.
            await using var transaction = handlers.OnlyWriters(stripeEvent.Type) ? null : await connection.BeginTransactionAsync(cancellationToken);
            try
            {
                var claim = await claims.TryClaimAsync(connection, stripeEvent,
                    transaction is null ? ClaimScope.BeginsTransaction : ClaimScope.InTransaction, transaction, cancellationToken);
                metrics.Purged(claim.Purged, "opportunistic");
                if (!claim.Claimed)
                {
                    // The opportunistic purge in the same batch still deserves its commit.
                    await CommitAsync(connection, transaction, cancellationToken);
                    return new ProcessingResult(ProcessingOutcome.Duplicate);
                }
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                return new ProcessingResult(ProcessingOutcome.InFlight);
            }
            catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
            {
                LogDatabaseUnavailable(logger, ex, stripeEvent.Id);
                return new ProcessingResult(ProcessingOutcome.DatabaseUnavailable);
            }

            var started = Stopwatch.GetTimestamp();

            // Writers' statements wait here and go with the COMMIT: one round trip for the claim, one for the rest.
            await using var writes = new NpgsqlBatch(connection, transaction);
            List<Action>? afterCommit = null;
            try
            {
                foreach (var handler in eventHandlers)
                {
                    if (handler is IStripeEventWriter writer)
                    {
                        if (writer.AddCommands(stripeEvent, writes) is { } completed)
                        {
                            (afterCommit ??= []).Add(completed);
                        }

                        continue;
                    }

                    // Keep the order handlers were registered in: earlier writers' statements run first.
                    if (writes.BatchCommands.Count > 0)
                    {
                        await writes.ExecuteNonQueryAsync(cancellationToken);
                        writes.BatchCommands.Clear();
                    }

                    // Not null: a type with a handler that is not a writer always gets an NpgsqlTransaction.
                    await handler.HandleAsync(stripeEvent, connection, transaction!, cancellationToken);
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
            afterCommit?.ForEach(completed => completed());
            return new ProcessingResult(ProcessingOutcome.Processed);
        }
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
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            return new ProcessingResult(ProcessingOutcome.InFlight);
        }
        catch (Exception ex) when (IsUnavailable(ex, cancellationToken))
        {
            // Unknown whether the batch committed; Stripe's retry finds either the claim or nothing.
            LogDatabaseUnavailable(logger, ex, stripeEvent.Id);
            return new ProcessingResult(ProcessingOutcome.DatabaseUnavailable);
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
            attempts = await EventClaimStore.RecordFailureAsync(connection, transaction, stripeEvent, FailureLedger.Describe(error), _maxAttempts, cancellationToken);
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
