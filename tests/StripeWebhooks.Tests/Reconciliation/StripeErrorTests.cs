using StripeWebhooks.Reconciliation;
using StripeWebhooks.Tests.Billing;

namespace StripeWebhooks.Tests.Reconciliation;

/// <summary>What Stripe answers besides events: a rate limit is retried by Stripe.net, a refused key fails the run.</summary>
public sealed class StripeErrorTests
{
    [Fact]
    public async Task A_429_with_Stripe_Should_Retry_is_retried_and_the_run_succeeds()
    {
        await using var harness = await ReconcileHarness.StartAsync();
        harness.Api.Add([BillingEvents.Subscription("customer.subscription.updated", "evt_after_429", DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds())]);
        harness.Api.RateLimitNext(1);

        var run = await harness.Reconciler.RunAsync(TimeSpan.FromDays(1), dryRun: false, progress: null, CancellationToken.None);

        Assert.Null(run.Error);
        Assert.Equal(new ReconcileCounts(1, 1, 0, 0), run.Counts);
        Assert.Equal(2, harness.Api.Requests);
    }

    [Fact]
    public async Task A_wrong_key_fails_the_run_with_one_line_naming_the_setting_and_leaves_the_cursor()
    {
        const string wrongKey = "rk_test_notTheRightKey9876";
        await using var harness = await ReconcileHarness.StartAsync(apiKey: wrongKey);
        harness.Api.Add([BillingEvents.Subscription("customer.subscription.updated", "evt_never_listed", DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds())]);
        await harness.SeedSuccessfulRunAsync(DateTimeOffset.UtcNow.AddHours(-3));
        var before = await harness.Reconciler.PlanAsync(since: null, CancellationToken.None);

        var run = await harness.Reconciler.RunAsync(since: null, dryRun: false, progress: null, CancellationToken.None);

        Assert.NotNull(run.Error);
        Assert.Contains("Stripe__ApiKey", run.Error, StringComparison.Ordinal);
        Assert.Contains("401", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', run.Error);
        Assert.DoesNotContain("notTheRightKey", run.Error, StringComparison.Ordinal);
        Assert.Equal(1, await harness.CountAsync("SELECT count(*) FROM stripe_reconcile_runs WHERE NOT succeeded AND error LIKE 'Stripe refused Stripe__ApiKey (401%' AND finished_at IS NOT NULL"));
        Assert.Equal(0, await harness.CountAsync("SELECT count(*) FROM processed_stripe_events"));
        var after = await harness.Reconciler.PlanAsync(since: null, CancellationToken.None);
        Assert.Equal(before.From, after.From);
        Assert.Equal(1, harness.Api.Requests);
    }

    [Fact]
    public async Task A_run_stopped_midway_is_recorded_as_failed_and_leaves_the_cursor()
    {
        await using var harness = await ReconcileHarness.StartAsync(new Dictionary<string, string?> { ["Reconcile__PageSize"] = "50" });
        harness.Api.Add(MissedEvents.Histories(30, DateTimeOffset.UtcNow.AddHours(-20)));
        using var stop = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            harness.Reconciler.RunAsync(TimeSpan.FromDays(1), dryRun: false, new StopAfterFirstPage(stop), stop.Token));

        Assert.Equal(1, await harness.CountAsync("SELECT count(*) FROM stripe_reconcile_runs WHERE NOT succeeded AND error = 'cancelled' AND finished_at IS NOT NULL"));

        Assert.Equal(0, await harness.CountAsync("SELECT count(*) FROM processed_stripe_events"));
    }

    private sealed class StopAfterFirstPage(CancellationTokenSource stop) : IProgress<ReconcileCounts>
    {
        public void Report(ReconcileCounts value) => stop.Cancel();
    }
}
