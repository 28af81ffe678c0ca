namespace StripeWebhooks.Reconciliation;

/// <summary>A listed event that has no claim: what a dry run would apply.</summary>
internal sealed record ReconcileCandidate(string Id, string Type, DateTimeOffset Created);
