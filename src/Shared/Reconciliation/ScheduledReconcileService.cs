using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StripeWebhooks.Scheduling;

namespace StripeWebhooks.Reconciliation;

/// <summary>Runs reconciliation on <c>ReconcileSchedule</c> inside <c>webhooks serve</c> (the function app uses its timer trigger).</summary>
internal sealed partial class ScheduledReconcileService(
    StripeEventReconciler reconciler,
    IOptions<ReconcileOptions> options,
    TimeProvider clock,
    ILogger<ScheduledReconcileService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!reconciler.Enabled)
        {
            // ReconcileStartupNotice has said so.
            return;
        }

        // Validated at start-up, so it parses here.
        var schedule = PurgeScheduleExpression.TryParse(options.Value.Schedule)!;
        while (PurgeScheduleExpression.NextRunAfter(schedule, clock.GetUtcNow()) is { } next)
        {
            try
            {
                for (var wait = next - clock.GetUtcNow(); wait > TimeSpan.Zero; wait = next - clock.GetUtcNow())
                {
                    await Task.Delay(wait < TimeSpan.FromDays(1) ? wait : TimeSpan.FromDays(1), clock, stoppingToken);
                }

                // A failed run has logged its one line and left the cursor: the next one covers its window.
                await reconciler.RunAsync(since: null, dryRun: false, progress: null, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogRunFailed(logger, ex);
            }
        }

        LogNeverAgain(logger, options.Value.Schedule);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciliation failed; retrying at the next scheduled time")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ReconcileSchedule {Schedule} has no future occurrence; scheduled reconciliation stops")]
    private static partial void LogNeverAgain(ILogger logger, string schedule);
}
