using System.Diagnostics;
using StripeWebhooks.Observability;

namespace StripeWebhooks.Reconciliation;

/// <summary>One span per run, <c>stripe_webhooks.reconcile</c>, on the <c>StripeWebhooks</c> source; never an event's payload.</summary>
internal static class ReconcileTracing
{
    public const string SpanName = "stripe_webhooks.reconcile";

    private static readonly ActivitySource Source = new(WebhookTracing.SourceName);

    public static Activity? Start() => Source.StartActivity(SpanName, ActivityKind.Internal);

    public static void Planned(Activity? activity, ReconcileWindow window, bool dryRun)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("stripe_webhooks.reconcile.window_from", window.From.ToString("o"));
            activity.SetTag("stripe_webhooks.reconcile.window_to", window.To.ToString("o"));
            activity.SetTag("stripe_webhooks.reconcile.clamped_by", window.ClampedBy);
            activity.SetTag("stripe_webhooks.reconcile.dry_run", dryRun);
        }
    }

    public static void Finished(Activity? activity, ReconcileCounts counts, string? error)
    {
        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        activity.SetTag("stripe_webhooks.reconcile.listed", counts.Listed);
        activity.SetTag("stripe_webhooks.reconcile.applied", counts.Applied);
        activity.SetTag("stripe_webhooks.reconcile.already_claimed", counts.AlreadyClaimed);
        activity.SetTag("stripe_webhooks.reconcile.failed", counts.Failed);
        if (error is not null)
        {
            // Our own one-line message: it names the setting or the status, never the key or a payload.
            activity.SetStatus(ActivityStatusCode.Error, error);
        }
    }
}
