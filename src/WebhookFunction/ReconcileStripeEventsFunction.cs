using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using StripeWebhooks.Reconciliation;

namespace StripeWebhooks.WebhookFunction;

/// <summary>Applies the events Stripe never delivered, on <c>ReconcileSchedule</c> (NCRONTAB, UTC; every 15 minutes by default).</summary>
/// <remarks>
/// The host runs a timer on one instance at a time. Without <c>Stripe__ApiKey</c> it does nothing (start-up said so).
/// A failed run is recorded and logged by the reconciler and leaves the cursor: the next run covers its window.
/// </remarks>
internal sealed partial class ReconcileStripeEventsFunction(
    StripeEventReconciler reconciler,
    ILogger<ReconcileStripeEventsFunction> logger)
{
    /// <summary>Runs the shared reconciler once.</summary>
    [Function("ReconcileStripeEvents")]
    public async Task RunAsync(
        [TimerTrigger("%ReconcileSchedule%", RunOnStartup = false)] TimerInfo timer,
        CancellationToken cancellationToken)
    {
        if (!reconciler.Enabled)
        {
            return;
        }

        var result = await reconciler.RunAsync(since: null, dryRun: false, progress: null, cancellationToken);
        LogTimer(logger, result.Succeeded, timer.IsPastDue, timer.ScheduleStatus?.Next);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Timer reconciliation ran (succeeded: {Succeeded}, past due: {IsPastDue}, next: {Next:o})")]
    private static partial void LogTimer(ILogger logger, bool succeeded, bool isPastDue, DateTime? next);
}
