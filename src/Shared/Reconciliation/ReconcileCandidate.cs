namespace StripeWebhooks.Reconciliation;

/// <summary>A listed event that has no claim: what a dry run would apply.</summary>
public sealed record ReconcileCandidate(string Id, string Type, DateTimeOffset Created);
