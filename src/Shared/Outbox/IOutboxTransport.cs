namespace StripeWebhooks.Outbox;

/// <summary>Where the dispatcher hands committed messages: the Azure Storage queue, or the in-process consumers.</summary>
internal interface IOutboxTransport
{
    /// <summary>
    /// True when <see cref="SendAsync"/> consumes the message itself (no queue): a failure is then the message's
    /// own, counted against <c>Outbox__MaxDequeueCount</c>, rather than the transport being down.
    /// </summary>
    bool ConsumesInProcess { get; }

    /// <summary>Hands over one message; returns once it is accepted (queued, or consumed).</summary>
    Task SendAsync(OutboxMessage message, string body, CancellationToken cancellationToken);
}
