using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using StripeWebhooks.Outbox;

namespace StripeWebhooks.WebhookFunction;

/// <summary>
/// Consumes the outbox queue (<c>Outbox__QueueName</c> on <c>AzureWebJobsStorage</c>): runs the application's
/// <see cref="IOutboxMessageHandler"/>s, each once per message.
/// </summary>
/// <remarks>
/// A failure propagates, so the host retries the message and, after host.json's <c>maxDequeueCount</c>, moves it to
/// <c>{queue}-poison</c>; the consumer has marked its outbox row poisoned by then (<c>webhooks outbox</c>).
/// </remarks>
internal sealed class ProcessOutboxMessageFunction(OutboxConsumer consumer)
{
    /// <summary>Parses the message and hands it to the shared consumer with its dequeue count.</summary>
    [Function("ProcessOutboxMessage")]
    public Task RunAsync([QueueTrigger("%Outbox:QueueName%", Connection = OutboxOptions.StorageConnectionName)] QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return consumer.ConsumeDeliveryAsync(OutboxMessage.Parse(message.Body.ToString()), message.DequeueCount, cancellationToken);
    }
}
