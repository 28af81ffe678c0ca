using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace StripeWebhooks.Outbox;

/// <summary>
/// Dispatches outbox messages right after the commit that wrote them (woken by <see cref="OutboxSignal"/>), and
/// sweeps every <c>Outbox__SweepDelaySeconds</c> for what was left (a crash, a queue that was down, a burst).
/// </summary>
/// <remarks>
/// Dispatches woken by commits are at least <c>Outbox__DispatchIntervalMilliseconds</c> apart, so under load one
/// transaction carries the messages of many commits.
/// The webhook never waits for this: the processor only signals. While the queue is down, attempts back off
/// (1 s doubling to 30 s) and webhooks keep committing their messages for later.
/// </remarks>
internal sealed partial class OutboxDispatchService(
    OutboxDispatcher dispatcher,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<OutboxDispatchService> logger) : BackgroundService
{
    private readonly OutboxQueueWarnings _warnings = new(time);

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sweepInterval = TimeSpan.FromSeconds(options.Value.SweepDelaySeconds);
        var dispatchInterval = TimeSpan.FromMilliseconds(options.Value.DispatchIntervalMilliseconds);
        var backoff = TimeSpan.Zero;
        var notified = false;
        var lastDispatch = 0L; // Stopwatch time 0: long ago, so the first dispatch never waits.
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Woken again within the interval: let the commits of the rest of it join this batch.
                var wait = dispatchInterval - Stopwatch.GetElapsedTime(lastDispatch);
                if (notified && wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, stoppingToken);
                }

                lastDispatch = Stopwatch.GetTimestamp();
                // Just committed: dispatch now, whatever its age. Otherwise sweep what is old enough.
                var dispatched = notified
                    ? await dispatcher.DispatchAsync(TimeSpan.Zero, stoppingToken)
                    : await dispatcher.SweepAsync(stoppingToken);
                if (!notified && dispatched > 0)
                {
                    LogSwept(logger, dispatched);
                }

                backoff = TimeSpan.Zero;
                _warnings.Recovered();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is OutboxTransportException or NpgsqlException or TimeoutException)
            {
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                var cause = ex is NpgsqlException ? $"the database: {ex.Message.ReplaceLineEndings(" ")}" : OutboxQueueWarnings.Cause(ex);
                _warnings.Report(cause, () => LogDispatchFailed(logger, cause, backoff.TotalSeconds),
                    suppressed => LogDispatchStillFailing(logger, cause, suppressed, backoff.TotalSeconds));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                if (backoff > TimeSpan.Zero)
                {
                    await Task.Delay(backoff, stoppingToken);
                    notified = true;
                    continue;
                }

                notified = await signal.WaitAsync(sweepInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox sweep dispatched {Count} messages left undispatched")]
    private static partial void LogSwept(ILogger logger, int count);

    // No exception argument: one line naming the cause, throttled while it persists (OutboxQueueWarnings).
    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox queue unavailable, dispatch failed: {Cause}; messages stay committed and are retried in {BackoffSeconds} s")]
    private static partial void LogDispatchFailed(ILogger logger, string cause, double backoffSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox queue still unavailable ({Suppressed} failures since the last warning), dispatch failed: {Cause}; messages stay committed and are retried in {BackoffSeconds} s")]
    private static partial void LogDispatchStillFailing(ILogger logger, string cause, int suppressed, double backoffSeconds);
}
