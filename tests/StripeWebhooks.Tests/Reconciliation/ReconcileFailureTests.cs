using StripeWebhooks.Development;
using StripeWebhooks.Reconciliation;
using StripeWebhooks.Tests.Billing;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Reconciliation;

/// <summary>A reconciled event whose handler fails takes the delivery's failure path, and only the reconciler retries it.</summary>
public sealed class ReconcileFailureTests
{
    [Fact]
    public async Task A_failed_event_goes_to_the_ledger_and_the_next_run_reaches_back_to_retry_it()
    {
        var failingOnce = new FailingHandler(1, [.. SampleEvents.Types]);
        await using var harness = await ReconcileHarness.StartAsync(recorder: failingOnce);
        // Five hours old: outside the next run's usual window (the last run's end minus an hour).
        harness.Api.Add([BillingEvents.Subscription("customer.subscription.updated", "evt_fails_once", DateTimeOffset.UtcNow.AddHours(-5).ToUnixTimeSeconds())]);

        var first = await harness.Reconciler.RunAsync(TimeSpan.FromDays(1), dryRun: false, progress: null, CancellationToken.None);
        Assert.Null(first.Error);
        Assert.Equal(new ReconcileCounts(1, 0, 0, 1), first.Counts);
        Assert.Equal(1, await harness.CountAsync("SELECT count(*) FROM stripe_event_failures WHERE event_id = 'evt_fails_once' AND resolved_at IS NULL AND attempts = 1"));
        Assert.Equal(0, await harness.CountAsync("SELECT count(*) FROM processed_stripe_events"));

        var next = await harness.Reconciler.RunAsync(since: null, dryRun: false, progress: null, CancellationToken.None);

        Assert.Null(next.Error);
        Assert.Equal(new ReconcileCounts(1, 1, 0, 0), next.Counts);
        Assert.Equal(1, await harness.CountAsync("SELECT count(*) FROM stripe_event_failures WHERE event_id = 'evt_fails_once' AND resolved_at IS NOT NULL"));
        Assert.Equal(1, (await harness.SideEffectsAsync())["evt_fails_once"]);
    }

    [Fact]
    public async Task An_event_of_the_mode_Stripe_Livemode_ignores_is_skipped_and_the_run_succeeds()
    {
        await using var harness = await ReconcileHarness.StartAsync(new Dictionary<string, string?> { ["Stripe__Livemode"] = "false" });
        var created = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds();
        var live = BillingEvents.Subscription("customer.subscription.updated", "evt_live_listed", created);
        live["livemode"] = true;
        harness.Api.Add([live, BillingEvents.Subscription("customer.subscription.updated", "evt_test_listed", created + 1, subscriptionId: "sub_test0002")]);

        var run = await harness.Reconciler.RunAsync(TimeSpan.FromDays(1), dryRun: false, progress: null, CancellationToken.None);

        Assert.Null(run.Error);
        Assert.Equal(1, run.Counts.Applied);
        Assert.Equal(0, run.Counts.Failed);
        Assert.Equal(0, await harness.CountAsync("SELECT count(*) FROM processed_stripe_events WHERE event_id = 'evt_live_listed'"));
        Assert.Equal(1, await harness.CountAsync("SELECT count(*) FROM stripe_reconcile_runs WHERE succeeded"));
    }
}
