using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using StripeWebhooks.Observability;
using StripeWebhooks.Tests.Billing;
using StripeWebhooks.Tests.Observability;

namespace StripeWebhooks.Tests.Reconciliation;

/// <summary>A run's metrics (<c>stripe_webhooks.reconciled</c> by outcome, the lag) and its one span.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class ReconcileTelemetryTests
{
    [Fact]
    public async Task A_run_counts_its_events_by_outcome_reports_the_lag_and_is_one_span()
    {
        await using var harness = await ReconcileHarness.StartAsync();
        var t = DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeSeconds();
        var delivered = BillingEvents.Subscription("customer.subscription.updated", "evt_tel_1", t);
        harness.Api.Add([delivered, BillingEvents.Subscription("customer.subscription.updated", "evt_tel_2", t + 1),
            BillingEvents.Invoice("invoice.paid", "evt_tel_3", t + 2)]);
        await harness.DeliverAsync(delivered);

        var meterFactory = harness.Services.GetRequiredService<IMeterFactory>();
        var counts = new ConcurrentBag<(string Instrument, double Value, string? Outcome)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == WebhookMetrics.MeterName && instrument.Meter.Scope == meterFactory)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            counts.Add((instrument.Name, value, tags.ToArray().FirstOrDefault(tag => tag.Key == "outcome").Value as string)));
        meters.SetMeasurementEventCallback<double>((instrument, value, _, _) => counts.Add((instrument.Name, value, null)));
        meters.Start();
        var spans = new ConcurrentBag<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == WebhookTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(activities);

        var run = await harness.Reconciler.RunAsync(TimeSpan.FromDays(1), dryRun: false, progress: null, CancellationToken.None);
        meters.RecordObservableInstruments();

        Assert.Null(run.Error);
        Assert.Equal(2, counts.Where(c => c is { Instrument: "stripe_webhooks.reconciled", Outcome: "applied" }).Sum(c => c.Value));
        Assert.Equal(1, counts.Where(c => c is { Instrument: "stripe_webhooks.reconciled", Outcome: "already_claimed" }).Sum(c => c.Value));
        var lag = Assert.Single(counts, c => c.Instrument == "stripe_webhooks.reconcile.lag");
        Assert.InRange(lag.Value, 59, 3600);
        var span = Assert.Single(spans, s => s.OperationName == "stripe_webhooks.reconcile");
        Assert.Equal(3, span.GetTagItem("stripe_webhooks.reconcile.listed"));
        Assert.Equal(2, span.GetTagItem("stripe_webhooks.reconcile.applied"));
        Assert.NotEqual(ActivityStatusCode.Error, span.Status);
    }
}
