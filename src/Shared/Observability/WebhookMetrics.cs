using System.Diagnostics.Metrics;
using StripeWebhooks.Processing;

namespace StripeWebhooks.Observability;

/// <summary>
/// The pipeline's metrics on the <c>StripeWebhooks</c> meter (OpenTelemetry naming: dotted, lower-case,
/// units in UCUM). Export them with any OpenTelemetry or dotnet-counters listener.
/// </summary>
internal sealed class WebhookMetrics : IDisposable
{
    /// <summary>Name of the meter to subscribe to.</summary>
    public const string MeterName = "StripeWebhooks";

    private readonly Meter _meter;
    private readonly Counter<long> _deliveries;
    private readonly Histogram<double> _handlerDuration;
    private readonly Counter<long> _purged;
    private readonly Counter<long> _secretMatches;
    private readonly Counter<long> _outboxRedispatched;

    public WebhookMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _deliveries = _meter.CreateCounter<long>("stripe_webhooks.deliveries", "{delivery}",
            "Deliveries by outcome: processed, duplicate, in_flight, failed, failed_permanent, database_unavailable, ignored_livemode, rejected (with reason).");
        _handlerDuration = _meter.CreateHistogram<double>("stripe_webhooks.handler.duration", "s",
            "Time from claim to commit of a claimed event, handlers included.");
        _purged = _meter.CreateCounter<long>("stripe_webhooks.purge.deleted", "{claim}",
            "Claims deleted past retention, by kind: opportunistic (per request) or retention (timer / command).");
        _secretMatches = _meter.CreateCounter<long>("stripe_webhooks.signature.matches", "{delivery}",
            "Verified deliveries by the index of the signing secret that matched; retire a secret whose count stays 0.");
        _outboxRedispatched = _meter.CreateCounter<long>("stripe_webhooks.outbox.redispatched", "{message}",
            "Outbox messages dispatched again because they stayed unconsumed past Outbox__RedispatchAfterMinutes: the queue lost them, or no consumer ran.");
    }

    public void Delivery(ProcessingOutcome outcome) =>
        _deliveries.Add(1, new KeyValuePair<string, object?>("outcome", OutcomeName(outcome)));

    public void Rejected(string reason) =>
        _deliveries.Add(1, new KeyValuePair<string, object?>("outcome", "rejected"), new KeyValuePair<string, object?>("reason", reason));

    public void HandlerDuration(TimeSpan elapsed, string eventType) =>
        _handlerDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("event_type", eventType));

    public void Purged(long count, string kind)
    {
        if (count > 0)
        {
            _purged.Add(count, new KeyValuePair<string, object?>("kind", kind));
        }
    }

    public void SecretMatched(int index)
    {
        // Every verified request: box the index only when someone listens.
        if (_secretMatches.Enabled)
        {
            _secretMatches.Add(1, new KeyValuePair<string, object?>("secret_index", index));
        }
    }

    public void OutboxRedispatched(int count)
    {
        if (count > 0)
        {
            _outboxRedispatched.Add(count);
        }
    }

    /// <summary>The outcome's name as used in metrics and logs (snake_case).</summary>
    public static string OutcomeName(ProcessingOutcome outcome) => outcome switch
    {
        ProcessingOutcome.Processed => "processed",
        ProcessingOutcome.Duplicate => "duplicate",
        ProcessingOutcome.InFlight => "in_flight",
        ProcessingOutcome.Failed => "failed",
        ProcessingOutcome.FailedPermanent => "failed_permanent",
        ProcessingOutcome.IgnoredLivemode => "ignored_livemode",
        _ => "database_unavailable",
    };

    public void Dispose() => _meter.Dispose();
}
