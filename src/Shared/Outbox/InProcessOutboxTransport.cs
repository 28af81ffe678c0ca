namespace StripeWebhooks.Outbox;

/// <summary>No queue configured (<c>webhooks serve</c> without <c>AzureWebJobsStorage</c>): consume in-process.</summary>
internal sealed class InProcessOutboxTransport(OutboxConsumer consumer) : IOutboxTransport
{
    public bool ConsumesInProcess => true;

    public Task SendAsync(OutboxMessage message, string body, CancellationToken cancellationToken) =>
        consumer.ConsumeAsync(message, cancellationToken);
}
