using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using StripeWebhooks.Persistence;

namespace StripeWebhooks.WebhookFunction;

/// <summary>Deletes claims past <c>Webhooks__RetentionDays</c> on <c>PurgeSchedule</c> (NCRONTAB, UTC).</summary>
/// <remarks>
/// The host runs a timer on one instance at a time (a lease in <c>AzureWebJobsStorage</c>). A failed run is left
/// to fail: the next one catches up, since the purge only ever deletes what is past retention.
/// </remarks>
internal sealed partial class PurgeProcessedStripeEventsFunction(
    RetentionPurger purger,
    ILogger<PurgeProcessedStripeEventsFunction> logger)
{
    /// <summary>Runs the shared retention purge (which logs how many claims it deleted).</summary>
    [Function("PurgeProcessedStripeEvents")]
    public async Task RunAsync(
        [TimerTrigger("%PurgeSchedule%", RunOnStartup = false)] TimerInfo timer,
        CancellationToken cancellationToken)
    {
        await purger.PurgeExpiredAsync(cancellationToken);
        LogTimer(logger, timer.IsPastDue, timer.ScheduleStatus?.Next);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Timer purge ran (past due: {IsPastDue}, next: {Next:o})")]
    private static partial void LogTimer(ILogger logger, bool isPastDue, DateTime? next);
}
