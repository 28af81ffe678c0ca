using StripeWebhooks.Reconciliation;
using StripeWebhooks.Tests.Billing;

namespace StripeWebhooks.Tests.Reconciliation;

/// <summary>Where a run lists from: the cursor, the overlap, and the two limits it never reaches past.</summary>
public sealed class ReconcileWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_window_ends_a_minute_ago_and_is_not_clamped_inside_the_limits()
    {
        var window = ReconcileWindow.Plan(Now, Now.AddHours(-2), retentionDays: 30);

        Assert.Equal(new ReconcileWindow(Now.AddHours(-2), Now.AddMinutes(-1), null), window);
    }

    [Theory]
    [InlineData(30, 29, "retention")]
    [InlineData(5, 4, "retention")]
    [InlineData(31, 30, "retention")]
    [InlineData(60, 30, "stripe_30_days")]
    public void A_window_never_reaches_past_retention_minus_a_day_nor_30_days(int retentionDays, int reachDays, string clampedBy)
    {
        var window = ReconcileWindow.Plan(Now, Now.AddDays(-90), retentionDays);

        Assert.Equal(Now.AddDays(-reachDays), window.From);
        Assert.Equal(clampedBy, window.ClampedBy);
        Assert.Equal(TimeSpan.FromDays(reachDays), ReconcileWindow.Reach(retentionDays));
    }

    [Fact]
    public void Since_beyond_the_reach_is_refused_and_says_why()
    {
        Assert.Null(ReconcileWindow.RefuseSince(TimeSpan.FromDays(29), 30));
        Assert.Contains("retention", ReconcileWindow.RefuseSince(TimeSpan.FromDays(40), 30), StringComparison.Ordinal);
        Assert.Contains("30 days Stripe keeps events", ReconcileWindow.RefuseSince(TimeSpan.FromDays(31), 90), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_older_than_retention_minus_a_day_is_never_applied_even_when_listed()
    {
        var settings = new Dictionary<string, string?> { ["Webhooks__RetentionDays"] = "5" };
        await using var harness = await ReconcileHarness.StartAsync(settings);
        var now = DateTimeOffset.UtcNow;
        var tooOld = BillingEvents.Subscription("customer.subscription.updated", "evt_too_old", now.AddDays(-4.5).ToUnixTimeSeconds());
        var recent = BillingEvents.Subscription("customer.subscription.updated", "evt_recent_enough", now.AddDays(-3.9).ToUnixTimeSeconds());
        harness.Api.Add([tooOld, recent]);
        harness.Api.ListWhateverTheCreatedFilter("evt_too_old");
        // The last successful run ended ten days ago: the window would start there, and is clamped to four days.
        await harness.SeedSuccessfulRunAsync(now.AddDays(-10));

        var run = await harness.Reconciler.RunAsync(since: null, dryRun: false, progress: null, CancellationToken.None);

        Assert.Null(run.Error);
        Assert.Equal(ReconcileWindow.ClampedByRetention, run.Window.ClampedBy);
        Assert.InRange(run.Window.From, now.AddDays(-4).AddMinutes(-1), now.AddDays(-4).AddMinutes(1));
        Assert.Equal(new ReconcileCounts(1, 1, 0, 0), run.Counts);
        Assert.Equal(0, await harness.CountAsync("SELECT count(*) FROM processed_stripe_events WHERE event_id = 'evt_too_old'"));
        Assert.Equal(1, await harness.CountAsync("SELECT count(*) FROM processed_stripe_events WHERE event_id = 'evt_recent_enough'"));
        Assert.Equal(1, await harness.CountAsync("SELECT count(*) FROM stripe_reconcile_runs WHERE clamped_by = 'retention' AND succeeded"));
        Assert.Contains($"created[gte]={run.Window.From.ToUnixTimeSeconds()}", Uri.UnescapeDataString(harness.Api.Queries.Single()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_nothing_was_missed_a_run_costs_one_page_per_chunk_of_types()
    {
        // 26 handled types: two requests of at most 20 types.
        var extra = Enumerable.Range(0, 20).Select(i => $"test.extra_{i:D2}").ToArray();
        await using var harness = await ReconcileHarness.StartAsync(api: null, extraTypes: extra);
        var chunks = harness.Reconciler.TypeChunks();
        Assert.Equal(2, chunks.Count);
        Assert.All(chunks, chunk => Assert.InRange(chunk.Length, 1, 20));
        var now = DateTimeOffset.UtcNow;
        // A month of history the window no longer covers, and the last half hour, all delivered.
        harness.Api.Add(MissedEvents.Histories(100, now.AddDays(-25), prefix: "evt_old"));
        var recent = MissedEvents.Histories(3, now.AddMinutes(-30), prefix: "evt_new");
        harness.Api.Add(recent);
        foreach (var e in recent)
        {
            await harness.DeliverAsync(e);
        }

        await harness.SeedSuccessfulRunAsync(now.AddMinutes(-15));

        var run = await harness.Reconciler.RunAsync(since: null, dryRun: false, progress: null, CancellationToken.None);

        Assert.Null(run.Error);
        Assert.Equal(new ReconcileCounts(15, 0, 15, 0), run.Counts);
        Assert.Equal(chunks.Count, harness.Api.Requests);
    }
}
