using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StripeWebhooks.Persistence;

namespace StripeWebhooks.Scheduling;

/// <summary>Runs the retention purge on <c>PurgeSchedule</c> inside <c>webhooks serve</c> (the function app uses its timer trigger).</summary>
internal sealed partial class ScheduledPurgeService(
    RetentionPurger purger,
    IOptions<PurgeScheduleOptions> options,
    TimeProvider clock,
    ILogger<ScheduledPurgeService> logger) : BackgroundService
{
    private static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Validated at start-up (AddStripeWebhooks), so it parses here.
        var schedule = PurgeScheduleExpression.TryParse(options.Value.Schedule)!;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            if (PurgeScheduleExpression.NextRunAfter(schedule, now) is not { } next)
            {
                LogNeverAgain(logger, options.Value.Schedule);
                return;
            }

            LogNextRun(logger, next);
            // Task.Delay refuses waits past ~49 days (a quarterly or yearly schedule): wait in steps, re-reading the clock.
            try
            {
                for (var wait = next - now; wait > TimeSpan.Zero; wait = next - clock.GetUtcNow())
                {
                    await Task.Delay(wait < LongestWait ? wait : LongestWait, clock, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopped while waiting: not a failure. (When the host fails to start, e.g. on a busy port, it does not
                // count a cancelled service as stopped and would otherwise report it as crashed.)
                return;
            }

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "PurgeSchedule {Schedule} has no future occurrence; the scheduled retention purge stops")]
    private static partial void LogNeverAgain(ILogger logger, string schedule);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention purge failed; retrying at the next scheduled time")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}
