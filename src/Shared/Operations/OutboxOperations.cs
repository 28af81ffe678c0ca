using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeWebhooks.Outbox;
using static StripeWebhooks.Persistence.SqlCommands;

namespace StripeWebhooks.Operations;

/// <summary>What an operator does with the outbox: see poisoned messages, and re-run one once its cause is fixed.</summary>
/// <remarks>
/// A message becomes poison after <c>Outbox__MaxDequeueCount</c> failed deliveries: the consumer marks its row
/// (<c>poisoned_at</c>, attempts, last error), and the queue moves it to <c>{queue}-poison</c>. A re-run consumes it
/// in this process from the row's payload (receipts skip the handlers that had already applied it), clears the mark,
/// and removes the copy from the poison queue.
/// </remarks>
public sealed class OutboxOperations(NpgsqlDataSource dataSource, OutboxConsumer consumer, IServiceProvider services)
{
    private const string PoisonedSql = """
        SELECT id, type, event_id, attempts, last_error, created_at, poisoned_at FROM stripe_outbox
        WHERE poisoned_at IS NOT NULL ORDER BY poisoned_at LIMIT $1
        """;

    private const string PayloadSql = "SELECT payload::text FROM stripe_outbox WHERE id = $1";

    /// <summary>The poisoned messages, oldest first.</summary>
    public async Task<IReadOnlyList<PoisonedOutboxMessage>> ReadPoisonedAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(PoisonedSql);
        command.Parameters.Add(Int(limit));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var messages = new List<PoisonedOutboxMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(new PoisonedOutboxMessage(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetDateTime(5), reader.GetDateTime(6)));
        }

        return messages;
    }

    /// <summary>Consumes the message <paramref name="messageId"/> in this process; returns the outcome and, when it failed, why.</summary>
    public async Task<(OutboxRerunOutcome Outcome, string? Error)> RerunAsync(string messageId, CancellationToken cancellationToken)
    {
        string? body;
        await using (var command = dataSource.CreateCommand(PayloadSql))
        {
            command.Parameters.Add(Text(messageId));
            body = (string?)await command.ExecuteScalarAsync(cancellationToken);
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
