using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StripeWebhooks.Reconciliation;

/// <summary>Says once, at start-up, whether reconciliation runs (registered with the pipeline, for every host).</summary>
internal sealed partial class ReconcileStartupNotice(
    IOptions<StripeApiOptions> stripe,
    IOptions<ReconcileOptions> options,
    ILogger<ReconcileStartupNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (stripe.Value.ReconciliationEnabled)
        {
            LogOn(logger, options.Value.Schedule, options.Value.OverlapMinutes);
        }
        else
        {
            LogOff(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciliation from Stripe's Events API on ReconcileSchedule {Schedule}, overlap {OverlapMinutes} min")]
    private static partial void LogOn(ILogger logger, string schedule, int overlapMinutes);

    [LoggerMessage(Level = LogLevel.Warning, Message = StripeEventReconciler.OffMessage)]
    private static partial void LogOff(ILogger logger);
}
