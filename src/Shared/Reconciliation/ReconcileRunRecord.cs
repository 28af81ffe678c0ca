namespace StripeWebhooks.Reconciliation;

/// <summary>The last run recorded in <c>stripe_reconcile_runs</c>, and the lag of the last successful one, for <c>webhooks stats</c>.</summary>
/// <param name="StartedAt">When the last run started.</param>
/// <param name="FinishedAt">When it finished; null while it runs (or when it died without recording its end).</param>
/// <param name="Succeeded">Whether it succeeded.</param>
/// <param name="Window">Its window.</param>
/// <param name="Counts">Its counts.</param>
/// <param name="Error">Why it failed.</param>
/// <param name="Lag">Now minus the end of the last successful run's window; null when none succeeded yet.</param>
internal sealed record ReconcileRunRecord(
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    bool Succeeded,
    ReconcileWindow Window,
    ReconcileCounts Counts,
    string? Error,
    TimeSpan? Lag);
