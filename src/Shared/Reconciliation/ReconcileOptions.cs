namespace StripeWebhooks.Reconciliation;

/// <summary>Reconciliation settings: the <c>Reconcile</c> section, and the top-level <c>ReconcileSchedule</c>.</summary>
internal sealed class ReconcileOptions
{
    public const string SectionName = "Reconcile";

    /// <summary>Top-level, so the Functions host resolves <c>%ReconcileSchedule%</c> in the timer trigger.</summary>
    public const string ScheduleKey = "ReconcileSchedule";

    /// <summary>Every 15 minutes, on the minute.</summary>
    public const string DefaultSchedule = "0 */15 * * * *";

    /// <summary>NCRONTAB, six fields, UTC.</summary>
    public string Schedule { get; set; } = DefaultSchedule;

    /// <summary>How far before the last successful run's end the next window starts (<c>Reconcile__OverlapMinutes</c>).</summary>
    /// <remarks>Stripe lists an event by its <c>created</c>, which may be a little before it becomes listable.</remarks>
    public int OverlapMinutes { get; set; } = 60;

    /// <summary>Events per page asked of Stripe (<c>limit</c>, 1 to 100).</summary>
    public int PageSize { get; set; } = 100;
}
