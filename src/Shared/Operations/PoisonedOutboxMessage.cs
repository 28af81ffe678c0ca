namespace StripeWebhooks.Operations;

/// <summary>An outbox message given up on after <c>Outbox__MaxDequeueCount</c> failed deliveries, for <c>webhooks outbox</c>.</summary>
internal sealed record PoisonedOutboxMessage(string Id, string Type, string EventId, int Attempts, string? LastError, DateTime CreatedAt, DateTime PoisonedAt);
