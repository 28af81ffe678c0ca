namespace StripeWebhooks.Reconciliation;

/// <summary>The span of event creation times one run lists: <see cref="From"/> inclusive, <see cref="To"/> exclusive.</summary>
/// <param name="From">Oldest <c>created</c> listed.</param>
/// <param name="To">Listed up to, not including, this time.</param>
/// <param name="ClampedBy">
/// Null, or why <see cref="From"/> is later than the run would have started: <c>retention</c> (an older event's claim
/// may have been purged, so applying it again could run its handlers twice) or <c>stripe_30_days</c> (Stripe keeps
/// events for 30 days).
/// </param>
internal sealed record ReconcileWindow(DateTimeOffset From, DateTimeOffset To, string? ClampedBy)
{
    /// <summary>Stripe keeps events this long.</summary>
    public const int StripeEventDays = 30;

    /// <summary><see cref="ClampedBy"/> when the claims' retention limited the window.</summary>
    public const string ClampedByRetention = "retention";

    /// <summary><see cref="ClampedBy"/> when Stripe's 30 days limited the window.</summary>
    public const string ClampedByStripe = "stripe_30_days";

    /// <summary>Events younger than this may not be listable yet; the next run covers them.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMinutes(1);

    /// <summary>How far back any run may reach: the claims' retention minus a day, and never past Stripe's 30 days.</summary>
    public static TimeSpan Reach(int retentionDays) => TimeSpan.FromDays(Math.Min(retentionDays - 1, StripeEventDays));

    /// <summary>Why <paramref name="since"/> reaches too far back, or null when it does not.</summary>
    public static string? RefuseSince(TimeSpan since, int retentionDays)
    {
        if (since <= Reach(retentionDays))
        {
            return null;
        }

        return retentionDays - 1 <= StripeEventDays
            ? $"reaches past the claims' retention minus a day ({retentionDays - 1}d with Webhooks__RetentionDays={retentionDays}): an older event may have been claimed and purged, and applying it again would run its handlers twice"
            : $"reaches past the {StripeEventDays} days Stripe keeps events";
    }

    /// <summary>Where a run starting at <paramref name="now"/> lists from and to.</summary>
    /// <param name="now">The database's clock.</param>
    /// <param name="start">
    /// Where the run would start: <c>now - since</c> when asked, else the last successful run's end minus the overlap
    /// (or the oldest event it left failed, if earlier), else the oldest claim held minus the overlap, else now minus the overlap.
    /// </param>
    /// <param name="retentionDays"><c>Webhooks__RetentionDays</c>.</param>
    public static ReconcileWindow Plan(DateTimeOffset now, DateTimeOffset start, int retentionDays)
    {
        // Whole seconds, as Stripe's created is: the filter sent and the check made of each listed event agree.
        now = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        start = DateTimeOffset.FromUnixTimeSeconds(start.ToUnixTimeSeconds());
        var to = now - Settle;
        var retentionLimit = now - TimeSpan.FromDays(retentionDays - 1);
        var stripeLimit = now - TimeSpan.FromDays(StripeEventDays);
        var earliest = retentionLimit >= stripeLimit ? retentionLimit : stripeLimit;
        string? clampedBy = null;
        var from = start;
        if (from < earliest)
        {
            from = earliest;
            clampedBy = retentionLimit >= stripeLimit ? ClampedByRetention : ClampedByStripe;
        }

        return new ReconcileWindow(from < to ? from : to, to, clampedBy);
    }
}
