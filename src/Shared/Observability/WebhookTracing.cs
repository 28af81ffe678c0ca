using System.Diagnostics;
using StripeWebhooks.Events;
using StripeWebhooks.Processing;

namespace StripeWebhooks.Observability;

/// <summary>
/// The <c>StripeWebhooks</c> activity source: one span per delivery, named <see cref="DeliverySpanName"/>, parent of
/// Npgsql's spans for that delivery. It carries the event id and type, the outcome (as the deliveries metric names it),
/// the rejection's error code, the signing secret's index and the failed attempts; never the payload.
/// </summary>
/// <remarks>
/// With nobody listening, <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null and every
/// method here returns at once: no allocation, no boxed tag.
/// </remarks>
internal static class WebhookTracing
{
    /// <summary>Name of the activity source to subscribe to (the same as the meter's).</summary>
    public const string SourceName = "StripeWebhooks";

    /// <summary>Name of the span that covers one delivery, from reading the body to the answer.</summary>
    public const string DeliverySpanName = "stripe_webhooks.delivery";

    /// <summary>Tag: the Stripe event id (<c>evt_...</c>), once the envelope is parsed.</summary>
    public const string EventIdTag = "stripe.event.id";

    /// <summary>Tag: the Stripe event type, once the envelope is parsed.</summary>
    public const string EventTypeTag = "stripe.event.type";

    /// <summary>Tag: processed, duplicate, in_flight, failed, failed_permanent, database_unavailable, ignored_livemode or rejected.</summary>
    public const string OutcomeTag = "stripe_webhooks.outcome";

    /// <summary>Tag: a rejection's error code (<c>invalid_signature</c>, ...), as in the response body.</summary>
    public const string ReasonTag = "stripe_webhooks.reason";

    /// <summary>Tag: index of the signing secret that verified the delivery (<c>Stripe__WebhookSecrets__N</c>).</summary>
    public const string SecretIndexTag = "stripe_webhooks.secret_index";

    /// <summary>Tag: failed attempts recorded for the event so far (failed and failed_permanent only).</summary>
    public const string AttemptsTag = "stripe_webhooks.attempts";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the delivery's span as the current activity; null when nobody listens.</summary>
    public static Activity? StartDelivery() => Source.StartActivity(DeliverySpanName, ActivityKind.Internal);

    /// <summary>Records which signing secret matched.</summary>
    public static void Verified(Activity? activity, int secretIndex)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(SecretIndexTag, secretIndex);
        }
    }

    /// <summary>Records the event's id and type: the only things from the payload that ever leave the process.</summary>
    public static void Parsed(Activity? activity, StripeEvent stripeEvent)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(EventIdTag, stripeEvent.Id);
            activity.SetTag(EventTypeTag, stripeEvent.Type);
        }
    }

    /// <summary>Records a processed delivery's outcome; failures of ours mark the span as an error.</summary>
    public static void Completed(Activity? activity, ProcessingResult result)
    {
        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        var outcome = WebhookMetrics.OutcomeName(result.Outcome);
        activity.SetTag(OutcomeTag, outcome);
        if (result.Attempts > 0)
        {
            activity.SetTag(AttemptsTag, result.Attempts);
        }

        if (result.Outcome is ProcessingOutcome.Failed or ProcessingOutcome.FailedPermanent or ProcessingOutcome.DatabaseUnavailable)
        {
            // The outcome, not the exception: a handler's message may quote the payload.
            activity.SetStatus(ActivityStatusCode.Error, outcome);
        }
    }

    /// <summary>Records a rejected request (bad signature, body, size): the caller's error, not ours, so no error status.</summary>
    public static void Rejected(Activity? activity, string reason)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(OutcomeTag, "rejected");
            activity.SetTag(ReasonTag, reason);
        }
    }
}
