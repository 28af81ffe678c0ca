using Azure;

namespace StripeWebhooks.Outbox;

/// <summary>Sends messages to the Azure Storage queue <c>Outbox__QueueName</c>.</summary>
internal sealed class QueueOutboxTransport(OutboxQueues queues) : IOutboxTransport
{
    public bool ConsumesInProcess => false;

    public async Task SendAsync(OutboxMessage message, string body, CancellationToken cancellationToken)
    {
        await queues.EnsureCreatedAsync(cancellationToken);
        try
        {
            await queues.Queue.SendMessageAsync(body, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            queues.Forget();
            throw;
        }
    }
}
