using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StripeWebhooks.Persistence;

namespace StripeWebhooks.Scheduling;

/// <summary>Runs the retention purge on <c>PurgeSchedule</c> inside <c>webhooks serve</c> (the function app uses its timer trigger).</summary>
public sealed partial class ScheduledPurgeService(
    RetentionPurger purger,
    IOptions<PurgeScheduleOptions> options,
    TimeProvider clock,
    ILogger<ScheduledPurgeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedule = CrontabSchedule.Parse(options.Value.Schedule);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            if (schedule.GetNextOccurrence(now) is not { } next)
            {
                return;
            }

            LogNextRun(logger, next);
            await Task.Delay(next - now, clock, stoppingToken);
            try
            {
                await purger.PurgeExpiredAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The next run will catch up: the purge only ever deletes what is past retention.
                LogPurgeFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Next retention purge at {Next:o}")]
    private static partial void LogNextRun(ILogger logger, DateTimeOffset next);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention purge failed; retrying at the next scheduled time")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}
