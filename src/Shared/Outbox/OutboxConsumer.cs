using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StripeWebhooks.Persistence;
using static StripeWebhooks.Persistence.SqlCommands;

namespace StripeWebhooks.Outbox;

/// <summary>Runs the registered <see cref="IOutboxMessageHandler"/>s for a message, each once (receipts).</summary>
internal sealed partial class OutboxConsumer
{
    // The receipt first: a concurrent delivery of the same message waits on it, then finds it and skips the handler.
    private const string ReceiptSql = """
        INSERT INTO stripe_outbox_receipts (message_id, handler) VALUES ($1, $2) ON CONFLICT DO NOTHING
        """;

    // Unconditional and idempotent (#24): a dispatcher holding the row (re-sending it, or a crashed instance's claim
    // about to roll back) makes this wait, then it applies to what that transaction left. A WHERE consumed_at IS NULL
    // read the last committed version instead and could skip without waiting. Consumed implies dispatched, so the
    // row leaves the undispatched index and no dispatcher sends it again.
    private const string ConsumedSql = """
        UPDATE stripe_outbox
        SET consumed_at = COALESCE(consumed_at, now()), dispatched_at = COALESCE(dispatched_at, now()), poisoned_at = NULL
        WHERE id = $1
        """;

    // The queue's dequeue count is the number of deliveries so far; the last one allowed makes the message poison.
    private const string FailedSql = """
        UPDATE stripe_outbox SET attempts = GREATEST(attempts, $2), last_error = $3,
            poisoned_at = CASE WHEN $2 >= $4 THEN now() ELSE poisoned_at END
        WHERE id = $1
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly FrozenDictionary<string, IOutboxMessageHandler[]> _byType;
    private readonly int _maxDequeueCount;
    private readonly ILogger<OutboxConsumer> _logger;

    public OutboxConsumer(NpgsqlDataSource dataSource, IEnumerable<IOutboxMessageHandler> handlers, IOptions<OutboxOptions> options, ILogger<OutboxConsumer> logger)
    {
        _dataSource = dataSource;
        _maxDequeueCount = options.Value.MaxDequeueCount;
        _logger = logger;
        _byType = handlers
            .SelectMany(handler => handler.MessageTypes.Select(type => (type, handler)))
            .GroupBy(pair => pair.type, StringComparer.Ordinal)
            .ToFrozenDictionary(group => group.Key, group => group.Select(pair => pair.handler).ToArray(), StringComparer.Ordinal);
        var names = handlers.GroupBy(handler => handler.Name, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (names is not null)
        {
            throw new InvalidOperationException($"Two outbox handlers are named '{names.Key}': receipts need a name per handler.");
        }
    }

    /// <summary>True when some handler consumes <paramref name="type"/>.</summary>
    public bool Handles(string type) => _byType.ContainsKey(type);

    /// <summary>Runs every handler of the message's type that has no receipt for it yet; throws when one fails.</summary>
    /// <remarks>Handlers that succeeded keep their receipts, so a retry runs only the ones that did not.</remarks>
    public async Task ConsumeAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_byType.TryGetValue(message.Type, out var handlers))
        {
            return;
        }

        foreach (var handler in handlers)
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var receipt = new NpgsqlCommand(ReceiptSql, connection, transaction))
            {
                receipt.Parameters.Add(Text(message.Id));
                receipt.Parameters.Add(Text(handler.Name));
                if (await receipt.ExecuteNonQueryAsync(cancellationToken) == 0)
                {
                    LogAlreadyApplied(_logger, message.Id, handler.Name);
                    continue;
                }
            }

            await handler.HandleAsync(message, connection, transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Consumes a delivery from the queue (the <paramref name="dequeueCount"/>th) and records the outcome on the
    /// message's outbox row: consumed, or the failure (poison once the count reaches <c>Outbox__MaxDequeueCount</c>)
    /// before the exception propagates to the queue's retry.
    /// </summary>
    public async Task ConsumeDeliveryAsync(OutboxMessage message, long dequeueCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await ConsumeAsync(message, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var poisoned = dequeueCount >= _maxDequeueCount;
            LogFailed(_logger, ex, message.Id, message.Type, dequeueCount, poisoned);
            await using var failed = _dataSource.CreateCommand(FailedSql);
            failed.Parameters.Add(Text(message.Id));
            failed.Parameters.Add(Int((int)Math.Min(dequeueCount, int.MaxValue)));
            failed.Parameters.Add(Text(FailureLedger.Describe(ex)));
            failed.Parameters.Add(Int(_maxDequeueCount));
            await failed.ExecuteNonQueryAsync(cancellationToken);
            throw;
        }

        await MarkConsumedAsync(message.Id, cancellationToken);
    }

    /// <summary>Marks the message consumed (and no longer poison: an operator's re-run succeeded).</summary>
    internal async Task MarkConsumedAsync(string messageId, CancellationToken cancellationToken)
    {
        await using var consumed = _dataSource.CreateCommand(ConsumedSql);
        consumed.Parameters.Add(Text(messageId));
        await consumed.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Outbox message {MessageId} already applied by {Handler}; skipped")]
    private static partial void LogAlreadyApplied(ILogger logger, string messageId, string handler);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox message {MessageId} ({MessageType}) failed on delivery {DequeueCount} (poison: {Poisoned})")]
    private static partial void LogFailed(ILogger logger, Exception exception, string messageId, string messageType, long dequeueCount, bool poisoned);
}
