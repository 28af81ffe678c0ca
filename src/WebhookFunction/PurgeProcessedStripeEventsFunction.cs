using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using StripeWebhooks.Persistence;

namespace StripeWebhooks.WebhookFunction;

/// <summary>Deletes claims past <c>Webhooks__RetentionDays</c> on <c>PurgeSchedule</c> (NCRONTAB, UTC).</summary>
/// <remarks>
/// The host runs a timer on one instance at a time (a lease in <c>AzureWebJobsStorage</c>). A failed run is left
/// to fail: the next one catches up, since the purge only ever deletes what is past retention.
/// </remarks>
public sealed partial class PurgeProcessedStripeEventsFunction(
    RetentionPurger purger,
    ILogger<PurgeProcessedStripeEventsFunction> logger)
{
    /// <summary>Runs the shared retention purge and logs how many claims it deleted.</summary>
    [Function("PurgeProcessedStripeEvents")]
    public async Task RunAsync(
        [TimerTrigger("%PurgeSchedule%", RunOnStartup = false)] TimerInfo timer,
        CancellationToken cancellationToken)
    {
        var deleted = await purger.PurgeExpiredAsync(cancellationToken);
        LogPurged(logger, deleted, timer.IsPastDue, timer.ScheduleStatus?.Next);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Timer purge deleted {Count} expired claims (past due: {IsPastDue}, next: {Next:o})")]
    private static partial void LogPurged(ILogger logger, long count, bool isPastDue, DateTime? next);
}
