namespace StripeWebhooks.Reconciliation;

/// <summary>The outcome of one reconciliation run.</summary>
/// <param name="Window">What was listed.</param>
/// <param name="Counts">What was found and done.</param>
/// <param name="Error">Null when the run succeeded; otherwise one line saying why it failed (the cursor stays where it was).</param>
/// <param name="WouldApply">Dry run only: the unclaimed events, oldest first.</param>
internal sealed record ReconcileResult(ReconcileWindow Window, ReconcileCounts Counts, string? Error, IReadOnlyList<ReconcileCandidate> WouldApply)
{
    public bool Succeeded => Error is null;
}
