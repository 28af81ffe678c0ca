using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace StripeWebhooks.Processing;

/// <summary>Says once, at start-up, that live and test events are both applied when <c>Stripe__Livemode</c> is unset.</summary>
internal sealed partial class LivemodeStartupNotice(LivemodeFilter filter, ILogger<LivemodeStartupNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (filter.AppliedLivemode is null)
        {
            LogBothModes(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Stripe__Livemode is not set: live and test events are both applied (set it to true on a live endpoint)")]
    private static partial void LogBothModes(ILogger logger);
}
