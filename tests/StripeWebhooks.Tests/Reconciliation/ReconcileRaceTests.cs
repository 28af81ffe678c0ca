using System.Diagnostics;
using StripeWebhooks.Processing;
using StripeWebhooks.Reconciliation;
using StripeWebhooks.Tests.Billing;
using Xunit.Abstractions;

namespace StripeWebhooks.Tests.Reconciliation;

/// <summary>Stripe delivers the same events the reconciler is applying, at the same time.</summary>
public sealed class ReconcileRaceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Reconciling_while_the_same_events_are_delivered_applies_each_exactly_once()
    {
        await using var harness = await ReconcileHarness.StartAsync();
        var start = DateTimeOffset.UtcNow.AddHours(-20).ToUnixTimeSeconds();
        var events = Enumerable.Range(0, 200)
            .Select(i => BillingEvents.Subscription("customer.subscription.updated", $"evt_race_{i:D3}", start + (i * 60),
                i % 2 == 0 ? BillingEvents.Basil : BillingEvents.Legacy, subscriptionId: $"sub_race_{i % 50}", customerId: $"cus_race_{i % 50}"))
            .ToList();
        harness.Api.Add(events);
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<ProcessingOutcome>();
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Two delivery workers, newest first (Stripe's retries arrive in no particular order), against the reconciler's oldest first.
        var queue = new System.Collections.Concurrent.ConcurrentQueue<System.Text.Json.Nodes.JsonObject>(Enumerable.Reverse(events));
        var deliveries = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            while (queue.TryDequeue(out var e))
            {
                outcomes.Add((await harness.DeliverAsync(e)).Outcome);
            }
        })).ToArray();
        // The deliveries start the moment the reconciler has listed everything, so both are applying at once: the
        // reconciler oldest first, the deliveries newest first, meeting somewhere in between.
        var clock = Stopwatch.StartNew();
        var run = harness.Reconciler.RunAsync(TimeSpan.FromDays(1), dryRun: false, new ReleaseWhenListed(200, go), CancellationToken.None);
        // Should the run fail before listing everything, the deliveries still run and the assertions say what happened.
        _ = run.ContinueWith(_ => go.TrySetResult(), TaskScheduler.Default);
        await Task.WhenAll(deliveries);
        var result = await run;
        clock.Stop();

        Assert.Null(result.Error);
        Assert.Equal(200, result.Counts.Listed);
        Assert.Equal(200, await harness.CountAsync("SELECT count(*) FROM processed_stripe_events"));
        var sideEffects = await harness.SideEffectsAsync();
        Assert.Equal(200, sideEffects.Count);
        Assert.All(sideEffects.Values, count => Assert.Equal(1, count));
        var delivered = outcomes.Count(o => o == ProcessingOutcome.Processed);
        Assert.Equal(200, delivered + result.Counts.Applied);
        Assert.Equal(200 - delivered, result.Counts.Applied);
        Assert.Equal(0, result.Counts.Failed);
        output.WriteLine($"200 events, 2 delivery workers (newest first) racing one reconciler (oldest first) once it has listed them, {clock.ElapsedMilliseconds} ms in all:");
        output.WriteLine($"  deliveries: {delivered} applied, {outcomes.Count(o => o == ProcessingOutcome.Duplicate)} duplicates, {outcomes.Count(o => o == ProcessingOutcome.InFlight)} in flight");
        output.WriteLine($"  reconciler: {result.Counts.Applied} applied, {result.Counts.AlreadyClaimed} already claimed (listed {result.Counts.Listed})");
        output.WriteLine($"  claims 200, handler side effects 200 (each event once)");
    }

    private sealed class ReleaseWhenListed(int listed, TaskCompletionSource go) : IProgress<ReconcileCounts>
    {
        public void Report(ReconcileCounts value)
        {
            if (value.Listed == listed)
            {
                go.TrySetResult();
            }
        }
    }
}
