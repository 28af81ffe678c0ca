namespace StripeWebhooks.Operations;

/// <summary>One row of the failure ledger, as an operator sees it (never the payload).</summary>
internal sealed record FailureRecord(
    string EventId,
    string EventType,
    int Attempts,
    string LastError,
    DateTime FirstFailedAt,
    DateTime LastFailedAt,
    DateTime? ResolvedAt,
    bool Parked,
    bool HasPayload);
