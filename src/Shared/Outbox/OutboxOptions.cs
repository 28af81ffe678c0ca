namespace StripeWebhooks.Outbox;

/// <summary>The outbox's delivery settings (<c>Outbox__*</c>); the queue's account is <c>AzureWebJobsStorage</c>.</summary>
internal sealed class OutboxOptions
{
    public const string SectionName = "Outbox";

    /// <summary>The setting that names the queue's storage account, as the Functions host reads it.</summary>
    public const string StorageConnectionName = "AzureWebJobsStorage";

    public const string DefaultQueueName = "stripe-outbox";

    /// <summary>The Azure Storage queue messages are dispatched to (<c>Outbox__QueueName</c>).</summary>
    public string QueueName { get; set; } = DefaultQueueName;

    /// <summary>
    /// How old an undispatched message must be before the sweep re-sends it (<c>Outbox__SweepDelaySeconds</c>): newer
    /// ones are still being dispatched right after their commit.
    /// </summary>
    public int SweepDelaySeconds { get; set; } = 10;

    /// <summary>
    /// Deliveries of a message before it is given up on as poison (<c>Outbox__MaxDequeueCount</c>); keep it equal to
    /// host.json's <c>extensions.queues.maxDequeueCount</c>, which the Functions host applies.
    /// </summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>How long a message that failed stays invisible before serve's queue listener retries it (<c>Outbox__RetryDelaySeconds</c>).</summary>
    public int RetryDelaySeconds { get; set; } = 5;

    /// <summary>
    /// How long a dispatched message may stay unconsumed before the sweep dispatches it again
    /// (<c>Outbox__RedispatchAfterMinutes</c>): the queue lost it, or no consumer ran for that long. Consumers' receipts
    /// absorb the copy. Keep it above the time a message may wait in the queue for its retries.
    /// </summary>
    public int RedispatchAfterMinutes { get; set; } = 10;

    /// <summary>Messages dispatched per transaction (<c>Outbox__DispatchBatchSize</c>).</summary>
    public int DispatchBatchSize { get; set; } = 100;

    /// <summary>
    /// The least time between two dispatches woken by commits (<c>Outbox__DispatchIntervalMilliseconds</c>): a message
    /// committed while the dispatcher is idle goes at once; under load, what commits meanwhile goes in one batch, so
    /// the dispatcher runs one transaction per interval instead of one per commit. 0 dispatches after every commit.
    /// </summary>
    public int DispatchIntervalMilliseconds { get; set; } = 50;
}
