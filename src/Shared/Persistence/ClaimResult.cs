namespace StripeWebhooks.Persistence;

/// <summary>What the claim round trip did.</summary>
/// <param name="Claimed">True when this delivery claimed the event; false for a duplicate.</param>
/// <param name="Purged">Expired claims the opportunistic purge deleted on the way.</param>
internal readonly record struct ClaimResult(bool Claimed, int Purged);
