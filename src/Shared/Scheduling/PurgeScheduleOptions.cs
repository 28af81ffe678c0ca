namespace StripeWebhooks.Scheduling;

/// <summary>The top-level <c>PurgeSchedule</c> setting (top-level so the Functions host resolves <c>%PurgeSchedule%</c>).</summary>
internal sealed class PurgeScheduleOptions
{
    public const string Key = "PurgeSchedule";

    /// <summary>03:17:00 UTC daily: off the hour, when Stripe traffic is usually low.</summary>
    public const string DefaultSchedule = "0 17 3 * * *";

    public string Schedule { get; set; } = DefaultSchedule;
}
