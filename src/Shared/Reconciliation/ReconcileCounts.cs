namespace StripeWebhooks.Reconciliation;

/// <summary>What a run has done so far: events listed, applied now, found already claimed, and failed.</summary>
/// <param name="Listed">Events Stripe listed inside the window.</param>
/// <param name="Applied">Events that had no claim and were applied now, through the same processor as a delivery.</param>
/// <param name="AlreadyClaimed">Events a delivery (or an earlier run) had already claimed, or was applying at that moment.</param>
/// <param name="Failed">Events whose handlers failed (recorded in the failure ledger, parked after the usual attempts) or that did not parse.</param>
internal readonly record struct ReconcileCounts(int Listed, int Applied, int AlreadyClaimed, int Failed);
