using System.Diagnostics.Metrics;

namespace StripeWebhooks.Reconciliation;

/// <summary>
/// Reconciliation's instruments on the <c>StripeWebhooks</c> meter: <c>stripe_webhooks.reconciled</c> by outcome, and
/// <c>stripe_webhooks.reconcile.lag</c>, how far behind now the last successful run's window ended.
/// </summary>
internal sealed class ReconcileMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _reconciled;
    private readonly TimeProvider _clock;
    private DateTimeOffset? _lastEnd;

    public ReconcileMetrics(IMeterFactory meterFactory, TimeProvider clock)
    {
        _clock = clock;
        _meter = meterFactory.Create(Observability.WebhookMetrics.MeterName);
        _reconciled = _meter.CreateCounter<long>("stripe_webhooks.reconciled", "{event}",
            "Events listed by reconciliation, by outcome: applied, already_claimed, failed.");
        _meter.CreateObservableGauge("stripe_webhooks.reconcile.lag", ObserveLag, "s",
            "Seconds between now and the end of the last successful reconciliation window (this process's runs).");
    }

    internal void Reconciled(string outcome, int count)
    {
        if (count > 0)
        {
            _reconciled.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    internal void Succeeded(DateTimeOffset windowEnd) => _lastEnd = windowEnd;

    private IEnumerable<Measurement<double>> ObserveLag() =>
        _lastEnd is { } end ? [new Measurement<double>((_clock.GetUtcNow() - end).TotalSeconds)] : [];

    public void Dispose() => _meter.Dispose();
}
