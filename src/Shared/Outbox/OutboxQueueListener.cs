using Azure;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StripeWebhooks.Outbox;

/// <summary>
/// <c>webhooks serve</c>'s stand-in for the <c>ProcessOutboxMessage</c> queue trigger, with the same rules: a message
/// that fails becomes visible again after <c>Outbox__RetryDelaySeconds</c>, and after <c>Outbox__MaxDequeueCount</c>
/// deliveries it moves to <c>{queue}-poison</c>.
/// </summary>
internal sealed partial class OutboxQueueListener(
    OutboxQueues queues,
    OutboxConsumer consumer,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<OutboxQueueListener> logger) : BackgroundService
{
    private readonly OutboxQueueWarnings _warnings = new(time);

    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Visibility = TimeSpan.FromSeconds(60);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await queues.EnsureCreatedAsync(stoppingToken);
                QueueMessage[] messages = await queues.Queue.ReceiveMessagesAsync(maxMessages: 32, Visibility, stoppingToken);
                backoff = TimeSpan.Zero;
                _warnings.Recovered();
                if (messages.Length == 0)
                {
                    await Task.Delay(IdlePoll, stoppingToken);
                    continue;
                }

                await Task.WhenAll(messages.Select(message => HandleAsync(message, stoppingToken)));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RequestFailedException or AggregateException or HttpRequestException or TimeoutException)
            {
                if (ex is RequestFailedException { Status: 404 })
                {
                    queues.Forget();
                }

                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(Math.Min(backoff.TotalSeconds * 2, 30));
                var cause = OutboxQueueWarnings.Cause(ex);
                _warnings.Report(cause, () => LogQueueUnavailable(logger, options.Value.QueueName, cause, backoff.TotalSeconds),
                    suppressed => LogQueueStillUnavailable(logger, options.Value.QueueName, cause, suppressed, backoff.TotalSeconds));

                try
                {
                    await Task.Delay(backoff, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task HandleAsync(QueueMessage delivery, CancellationToken cancellationToken)
    {
        var body = delivery.Body.ToString();
        try
        {
            await consumer.ConsumeDeliveryAsync(OutboxMessage.Parse(body), delivery.DequeueCount, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // ConsumeDeliveryAsync logged and recorded it. The last allowed delivery goes to the poison queue, the way
            // the Functions host does it; an unreadable body at once.
            if (delivery.DequeueCount >= options.Value.MaxDequeueCount || !IsReadable(body))
            {
                await queues.Poison.SendMessageAsync(body, cancellationToken);
                await queues.Queue.DeleteMessageAsync(delivery.MessageId, delivery.PopReceipt, cancellationToken);
                LogPoisoned(logger, delivery.MessageId, delivery.DequeueCount);
                return;
            }

            await queues.Queue.UpdateMessageAsync(delivery.MessageId, delivery.PopReceipt, visibilityTimeout: TimeSpan.FromSeconds(options.Value.RetryDelaySeconds), cancellationToken: cancellationToken);
            return;
        }

        await queues.Queue.DeleteMessageAsync(delivery.MessageId, delivery.PopReceipt, cancellationToken);
    }

    private static bool IsReadable(string body)
    {
        try
        {
            OutboxMessage.Parse(body);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    // No exception argument: the cause is outside this process, and a stack trace every few seconds hides it.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox queue {QueueName} unavailable: {Cause}; listening again in {BackoffSeconds} s")]
    private static partial void LogQueueUnavailable(ILogger logger, string queueName, string cause, double backoffSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox queue {QueueName} still unavailable ({Suppressed} failures since the last warning): {Cause}; listening again in {BackoffSeconds} s")]
    private static partial void LogQueueStillUnavailable(ILogger logger, string queueName, string cause, int suppressed, double backoffSeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue message {QueueMessageId} moved to the poison queue after {DequeueCount} deliveries; see `webhooks outbox`")]
    private static partial void LogPoisoned(ILogger logger, string queueMessageId, long dequeueCount);
}
