using StripeWebhooks.Processing;
using Xunit.Abstractions;

namespace StripeWebhooks.Tests.Reconciliation;

/// <summary>The endpoint was down: Stripe holds 300 events over 4 pages, half of which were delivered before.</summary>
public sealed class MissedWhileDownTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Reconciling_applies_each_missed_event_once_and_ends_where_full_delivery_would()
    {
        var events = MissedEvents.Histories(60, DateTimeOffset.UtcNow.AddDays(-2));
        Assert.Equal(300, events.Count);
        var pageSize = new Dictionary<string, string?> { ["Reconcile__PageSize"] = "80" };
        await using var missed = await ReconcileHarness.StartAsync(pageSize);
        missed.Api.Add(events);
        var delivered = events.Where((_, i) => i % 2 == 1).OrderBy(_ => Random.Shared.Next()).ToList();
        foreach (var e in delivered)
        {
            Assert.Equal(ProcessingOutcome.Processed, (await missed.DeliverAsync(e)).Outcome);
        }

        var first = await missed.Reconciler.RunAsync(TimeSpan.FromDays(3), dryRun: false, progress: null, CancellationToken.None);

        Assert.Null(first.Error);
        Assert.Equal(new(300, 150, 150, 0), first.Counts);
        Assert.Equal(4, missed.Api.Requests);
        var sideEffects = await missed.SideEffectsAsync();
        Assert.Equal(300, sideEffects.Count);
        Assert.All(sideEffects.Values, count => Assert.Equal(1, count));
        Assert.Equal(300, await missed.CountAsync("SELECT count(*) FROM processed_stripe_events"));

        // The same events, all delivered (oldest first), on another database.
        await using var everything = await ReconcileHarness.StartAsync();
        foreach (var e in events)
        {
            Assert.Equal(ProcessingOutcome.Processed, (await everything.DeliverAsync(e)).Outcome);
        }

        var expected = await everything.EntitlementsAsync();
        Assert.Equal(60, expected.Split('\n').Length);
        Assert.Equal(expected, await missed.EntitlementsAsync());

        var second = await missed.Reconciler.RunAsync(TimeSpan.FromDays(3), dryRun: false, progress: null, CancellationToken.None);
        Assert.Equal(new(300, 0, 300, 0), second.Counts);
        Assert.Equal(300, (await missed.SideEffectsAsync()).Values.Sum());
        Assert.Equal(2, await missed.CountAsync("SELECT count(*) FROM stripe_reconcile_runs WHERE succeeded AND finished_at IS NOT NULL"));
        output.WriteLine($"first run: {first.Counts}; second run: {second.Counts}; requests {missed.Api.Requests}");
    }
}
