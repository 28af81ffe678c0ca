using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StripeWebhooks.Events;

namespace StripeWebhooks.Processing;

/// <summary>
/// Which mode's events are applied (<c>Stripe__Livemode</c>). A Connect platform's endpoint receives live and test
/// events alike; a test event must not move a real user's tier (see #24). Every path that applies events asks it:
/// <see cref="StripeEventProcessor.ProcessAsync"/> (deliveries, and anything else that processes events) and
/// <c>webhooks replay</c>.
/// </summary>
internal sealed partial class LivemodeFilter(IOptions<LivemodeOptions> options, ILogger<LivemodeFilter> logger)
{
    /// <summary>The mode applied, or null when both are (<c>Stripe__Livemode</c> unset).</summary>
    public bool? AppliedLivemode { get; } = options.Value.AppliedLivemode;

    /// <summary>True (and logged, as <c>ignored_livemode</c>) when <paramref name="stripeEvent"/> is of the mode not applied.</summary>
    public bool Ignores(StripeEvent stripeEvent)
    {
        if (AppliedLivemode is not { } applied || stripeEvent.Livemode == applied)
        {
            return false;
        }

        LogIgnored(logger, stripeEvent.Id, stripeEvent.Type, Mode(stripeEvent.Livemode), Mode(applied));
        return true;
    }

    private static string Mode(bool livemode) => livemode ? "live" : "test";

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Ignored {EventId} ({EventType}): ignored_livemode, a {EventMode} event where Stripe__Livemode applies {AppliedMode} events only; nothing applied")]
    private static partial void LogIgnored(ILogger logger, string eventId, string eventType, string eventMode, string appliedMode);
}
