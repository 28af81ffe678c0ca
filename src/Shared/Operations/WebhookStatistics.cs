namespace StripeWebhooks.Operations;

/// <summary>A snapshot for <c>webhooks stats</c>.</summary>
internal sealed record WebhookStatistics(
    long ClaimsTotal,
    long ClaimsLast24Hours,
    TimeSpan? OldestClaimAge,
    int RetentionDays,
    long UnresolvedFailures,
    long ParkedEvents,
    DateTime? LastPurgeAt,
    long? LastPurgeDeleted,
    long OutboxUndispatched,
    TimeSpan? OldestUndispatchedAge,
    long OutboxPoisoned,
    long OutboxUnconsumed,
    TimeSpan? OldestUnconsumedAge);
