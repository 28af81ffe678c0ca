using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeWebhooks.Outbox;

namespace StripeWebhooks.Operations;

/// <summary>What an operator does with the outbox: see poisoned messages, and re-run one once its cause is fixed.</summary>
/// <remarks>
/// A message becomes poison after <c>Outbox__MaxDequeueCount</c> failed deliveries: the consumer marks its row
/// (<c>poisoned_at</c>, attempts, last error), and the queue moves it to <c>{queue}-poison</c>. A re-run consumes it
/// in this process from the row's payload (receipts skip the handlers that had already applied it), clears the mark,
/// and removes the copy from the poison queue.
/// </remarks>
internal sealed class OutboxOperations(NpgsqlDataSource dataSource, OutboxConsumer consumer, IServiceProvider services)
{
    private const string PoisonedSql = """
        SELECT id AS "Id", type AS "Type", event_id AS "EventId", attempts AS "Attempts", last_error AS "LastError",
               created_at AS "CreatedAt", poisoned_at AS "PoisonedAt"
        FROM stripe_outbox
        WHERE poisoned_at IS NOT NULL ORDER BY poisoned_at LIMIT @limit
        """;

    private const string PayloadSql = "SELECT payload::text FROM stripe_outbox WHERE id = @messageId";

    /// <summary>The poisoned messages, oldest first.</summary>
    public async Task<IReadOnlyList<PoisonedOutboxMessage>> ReadPoisonedAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var messages = await connection.QueryAsync<PoisonedOutboxMessage>(new CommandDefinition(PoisonedSql, new { limit }, cancellationToken: cancellationToken));
        return messages.AsList();
    }

    /// <summary>Consumes the message <paramref name="messageId"/> in this process; returns the outcome and, when it failed, why.</summary>
    public async Task<(OutboxRerunOutcome Outcome, string? Error)> RerunAsync(string messageId, CancellationToken cancellationToken)
    {
        string? body;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            body = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(PayloadSql, new { messageId }, cancellationToken: cancellationToken));
        }

        if (body is null)
        {
            return (OutboxRerunOutcome.NotFound, null);
        }

        try
        {
            await consumer.ConsumeAsync(OutboxMessage.Parse(body), cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return (OutboxRerunOutcome.Failed, Persistence.FailureLedger.Describe(ex));
        }

        await consumer.MarkConsumedAsync(messageId, cancellationToken);
        if (services.GetService<OutboxQueues>() is { } queues)
        {
            await RemoveFromPoisonQueueAsync(queues, messageId, cancellationToken);
        }

        return (OutboxRerunOutcome.Applied, null);
    }

    // A queue has no look-up by content: receive a page, delete the copies of this message, let the rest reappear.
    private static async Task RemoveFromPoisonQueueAsync(OutboxQueues queues, string messageId, CancellationToken cancellationToken)
    {
        await queues.EnsureCreatedAsync(cancellationToken);
        var page = (await queues.Poison.ReceiveMessagesAsync(maxMessages: 32, TimeSpan.FromSeconds(30), cancellationToken)).Value;
        foreach (var delivery in page)
        {
            string? id;
            try
            {
                id = OutboxMessage.Parse(delivery.Body.ToString()).Id;
            }
            catch (FormatException)
            {
                id = null;
            }

            if (id == messageId)
            {
                await queues.Poison.DeleteMessageAsync(delivery.MessageId, delivery.PopReceipt, cancellationToken);
            }
            else
            {
                await queues.Poison.UpdateMessageAsync(delivery.MessageId, delivery.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken);
            }
        }
    }
}
