using Microsoft.Azure.Functions.Worker;
using StripeWebhooks.Outbox;

namespace StripeWebhooks.WebhookFunction;

/// <summary>
/// The outbox sweep, on <c>Outbox__SweepSchedule</c> (NCRONTAB, UTC): re-sends messages committed more than
/// <c>Outbox__SweepDelaySeconds</c> ago and still not dispatched (a crash, a queue that was down, a burst), and
/// those dispatched more than <c>Outbox__RedispatchAfterMinutes</c> ago and never consumed (the queue lost them).
/// </summary>
/// <remarks>
/// Messages are dispatched right after their commit by the worker's background dispatcher; this catches what that
/// missed, on one instance at a time. A run that fails (the queue is down) is left to fail: the next one catches up.
/// </remarks>
internal sealed class DispatchOutboxFunction(OutboxDispatcher dispatcher)
{
    /// <summary>Runs the shared sweep.</summary>
    [Function("DispatchOutbox")]
    public Task RunAsync([TimerTrigger("%Outbox:SweepSchedule%", RunOnStartup = false)] TimerInfo timer, CancellationToken cancellationToken) =>
        dispatcher.SweepAsync(cancellationToken);
}
