using System.Diagnostics;
using Xunit.Abstractions;

namespace StripeWebhooks.Tests.Reconciliation;

/// <summary>
/// How long reconciling 10,000 missed events takes against the local Events API: a figure, printed, never asserted.
/// Run by <c>bench/reconcile</c>; skipped in the suite (it would pass without measuring anything).
/// </summary>
public sealed class ReconcileBenchmark(ITestOutputHelper output)
{
    /// <summary>A fact that runs only when <c>WEBHOOKS_RECONCILE_BENCH=1</c> (bench/reconcile sets it).</summary>
    private sealed class BenchmarkFactAttribute : FactAttribute
    {
        public BenchmarkFactAttribute()
        {
            if (Environment.GetEnvironmentVariable("WEBHOOKS_RECONCILE_BENCH") != "1")
            {
                Skip = "a benchmark: run bench/reconcile";
            }
        }
    }

    [BenchmarkFact]
    public async Task Reconcile_10000_missed_events()
    {
        await using var harness = await ReconcileHarness.StartAsync();
        var events = MissedEvents.Histories(2000, DateTimeOffset.UtcNow.AddDays(-15), prefix: "evt_bench");
        harness.Api.Add(events);

        var clock = Stopwatch.StartNew();
        var dry = await harness.Reconciler.RunAsync(TimeSpan.FromDays(20), dryRun: true, progress: null, CancellationToken.None);
        var dryTime = clock.Elapsed;
        var dryRequests = harness.Api.Requests;
        clock.Restart();
        var missed = await harness.Reconciler.RunAsync(TimeSpan.FromDays(20), dryRun: false, progress: null, CancellationToken.None);
        var missedTime = clock.Elapsed;
        var requests = harness.Api.Requests - dryRequests;
        clock.Restart();
        var again = await harness.Reconciler.RunAsync(TimeSpan.FromDays(20), dryRun: false, progress: null, CancellationToken.None);
        var againTime = clock.Elapsed;

        Assert.Null(missed.Error);
        Assert.Equal(10_000, missed.Counts.Applied);
        Assert.Equal(0, again.Counts.Applied);
        Assert.Equal(10_000, dry.WouldApply.Count);
        output.WriteLine($"dry run (listing and the claim check only): {dryTime.TotalSeconds:F1} s, {dryRequests} requests");
        output.WriteLine($"10,000 missed events (2,000 users, both API shapes, 6 types in one chunk): {missedTime.TotalSeconds:F1} s, {requests} requests ({10_000 / missedTime.TotalSeconds:F0} events/s)");
        output.WriteLine($"the same 10,000 again, all claimed: {againTime.TotalSeconds:F1} s, {harness.Api.Requests - requests - dryRequests} requests");
    }
}
