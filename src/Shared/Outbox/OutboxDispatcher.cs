using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using StripeWebhooks.Observability;
using StripeWebhooks.Persistence;
using static StripeWebhooks.Persistence.SqlCommands;

namespace StripeWebhooks.Outbox;

/// <summary>Hands committed, undispatched outbox messages to the queue (or the in-process consumers) and marks them.</summary>
/// <remarks>
/// Each batch is one transaction that locks its rows (<c>FOR UPDATE SKIP LOCKED</c>), so any number of dispatchers
/// (instances, the timer's sweep, serve's background service) never send the same row at once; a row is marked
/// dispatched only once the queue accepted it. A crash after the send and before the commit sends it again later:
/// delivery is at least once, which consumers absorb with the message id.
/// </remarks>
internal sealed partial class OutboxDispatcher
{
    // Claims a batch in one statement: the oldest undispatched rows not locked by another dispatcher, marked
    // dispatched in this transaction, which commits only after the sends. A send that fails puts its row back
    // (ReleasedSql, FailedSql) before the commit; a crash before the commit undoes it all. A row a consumer already
    // marked (it consumed the copy a crashed dispatcher sent before its rollback) is never claimed again (#24).
    private const string ClaimUndispatchedSql = """
        UPDATE stripe_outbox SET dispatched_at = now()
        WHERE id IN (
            SELECT id FROM stripe_outbox
            WHERE dispatched_at IS NULL AND consumed_at IS NULL AND poisoned_at IS NULL AND created_at <= now() - $1
            ORDER BY created_at
            LIMIT $2
            FOR UPDATE SKIP LOCKED)
        RETURNING id, payload::text
        """;

    // The safety net: dispatched long ago and still not consumed, so the queue lost it (a message expires after the
    // queue's time to live; an operator may clear a queue). Dispatched again; consumers' receipts absorb a copy.
    private const string ClaimUnconsumedSql = """
        UPDATE stripe_outbox SET dispatched_at = now()
        WHERE id IN (
            SELECT id FROM stripe_outbox
            WHERE dispatched_at <= now() - $1 AND consumed_at IS NULL AND poisoned_at IS NULL
            ORDER BY dispatched_at
            LIMIT $2
            FOR UPDATE SKIP LOCKED)
        RETURNING id, payload::text
        """;

    // The queue did not take them: not dispatched after all, left for the sweep.
    private const string ReleasedSql = """
        UPDATE stripe_outbox SET dispatched_at = NULL WHERE id = ANY($1)
        """;

    // Consumed in-process (no queue): marked in the claim's transaction. COALESCE: never move a mark already set.
    private const string ConsumedSql = """
        UPDATE stripe_outbox SET consumed_at = COALESCE(consumed_at, now()) WHERE id = ANY($1)
        """;

    // In-process consumption that failed: not dispatched, one more attempt; poison at the last one allowed.
    private const string FailedSql = """
        UPDATE stripe_outbox SET dispatched_at = NULL, attempts = attempts + 1, last_error = $2,
            poisoned_at = CASE WHEN attempts + 1 >= $3 THEN now() END
        WHERE id = $1
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly IOutboxTransport _transport;
    private readonly OutboxOptions _options;
    private readonly WebhookMetrics _metrics;
    private readonly ILogger<OutboxDispatcher> _logger;

    internal OutboxDispatcher(NpgsqlDataSource dataSource, IOutboxTransport transport, IOptions<OutboxOptions> options, WebhookMetrics metrics,
        ILogger<OutboxDispatcher> logger)
    {
        _dataSource = dataSource;
        _transport = transport;
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>
    /// The sweep: dispatches messages committed at least <c>Outbox__SweepDelaySeconds</c> ago and still not dispatched,
    /// then those dispatched more than <c>Outbox__RedispatchAfterMinutes</c> ago and still not consumed.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var swept = await DispatchAsync(TimeSpan.FromSeconds(_options.SweepDelaySeconds), cancellationToken);
        var redispatched = await DispatchAllAsync(ClaimUnconsumedSql, TimeSpan.FromMinutes(_options.RedispatchAfterMinutes), cancellationToken);
        _metrics.OutboxRedispatched(redispatched);
        if (redispatched > 0)
        {
            LogRedispatched(_logger, redispatched, _options.RedispatchAfterMinutes);
        }

        return swept + redispatched;
    }

    /// <summary>
    /// Dispatches every undispatched message at least <paramref name="minimumAge"/> old, batch after batch; returns how
    /// many the transport accepted.
    /// </summary>
    /// <exception cref="Exception">The queue refused or could not be reached: what was sent before stays marked.</exception>
    public Task<int> DispatchAsync(TimeSpan minimumAge, CancellationToken cancellationToken) =>
        DispatchAllAsync(ClaimUndispatchedSql, minimumAge, cancellationToken);

    private async Task<int> DispatchAllAsync(string claimSql, TimeSpan minimumAge, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var (sent, selected) = await DispatchBatchAsync(claimSql, minimumAge, cancellationToken);
            total += sent;
            if (selected < _options.DispatchBatchSize)
            {
                return total;
            }
        }
    }

    private async Task<(int Sent, int Selected)> DispatchBatchAsync(string claimSql, TimeSpan minimumAge, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var pending = new List<(OutboxMessage Message, string Body)>();
        await using (var claim = new NpgsqlBatch(connection, transaction))
        {
            // Planned once per connection with the partial indexes (IndexPlans; bench/README.md, "Index plans").
            claim.BatchCommands.Add(Command(IndexPlans.BeginSql));
            claim.BatchCommands.Add(Command(claimSql,
                new NpgsqlParameter<TimeSpan> { TypedValue = minimumAge, NpgsqlDbType = NpgsqlDbType.Interval },
                Int(_options.DispatchBatchSize)));
            claim.BatchCommands.Add(Command(IndexPlans.EndSql));
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var body = reader.GetString(1);
                pending.Add((OutboxMessage.Parse(body), body));
            }
        }

        if (pending.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return (0, 0);
        }

        // All at once: the queue's latency, not its throughput, bounds one at a time.
        var sends = pending.Select(p => _transport.SendAsync(p.Message, p.Body, cancellationToken)).ToArray();
        try
        {
            await Task.WhenAll(sends);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Inspected one by one below.
        }

        // Stopping: roll back; what was sent is sent again later (at least once).
        cancellationToken.ThrowIfCancellationRequested();

        var accepted = new List<string>();
        var released = new List<string>();
        Exception? transportDown = null;
        for (var i = 0; i < pending.Count; i++)
        {
            if (sends[i].IsCompletedSuccessfully)
            {
                accepted.Add(pending[i].Message.Id);
                continue;
            }

            var error = sends[i].Exception?.GetBaseException() ?? new OperationCanceledException(cancellationToken);
            if (!_transport.ConsumesInProcess)
            {
                transportDown ??= error;
                released.Add(pending[i].Message.Id);
                continue;
            }

            LogConsumptionFailed(_logger, error, pending[i].Message.Id, pending[i].Message.Type);
            await using var failed = new NpgsqlCommand(FailedSql, connection, transaction);
            failed.Parameters.Add(Text(pending[i].Message.Id));
            failed.Parameters.Add(Text(FailureLedger.Describe(error)));
            failed.Parameters.Add(Int(_options.MaxDequeueCount));
            await failed.ExecuteNonQueryAsync(cancellationToken);
        }

        if (_transport.ConsumesInProcess && accepted.Count > 0)
        {
            await using var consumed = new NpgsqlCommand(ConsumedSql, connection, transaction);
            consumed.Parameters.Add(TextArray([.. accepted]));
            await consumed.ExecuteNonQueryAsync(cancellationToken);
        }

        if (released.Count > 0)
        {
            await using var release = new NpgsqlCommand(ReleasedSql, connection, transaction);
            release.Parameters.Add(TextArray([.. released]));
            await release.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (transportDown is not null)
        {
            throw new OutboxTransportException($"The outbox queue did not accept {released.Count} of {pending.Count} messages; they stay for the sweep.", transportDown);
        }

        return (accepted.Count, pending.Count);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox dispatched {Count} messages again: dispatched over {Minutes} min ago and never consumed (the queue lost them, or no consumer is running)")]
    private static partial void LogRedispatched(ILogger logger, int count, int minutes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox message {MessageId} ({MessageType}) failed in-process; it is retried by the sweep")]
    private static partial void LogConsumptionFailed(ILogger logger, Exception exception, string messageId, string messageType);
}
