namespace StripeWebhooks;

/// <summary>Pipeline settings, bound from the <c>Webhooks</c> section.</summary>
internal sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>Stripe retries for 3 days; 4 is the least that still deduplicates every retry.</summary>
    public const int MinimumRetentionDays = 4;

    /// <summary>Days a claim is kept. 30 keeps resends from the Dashboard deduplicated too.</summary>
    public int RetentionDays { get; set; } = 30;

    /// <summary>Largest request body accepted; larger bodies get 413 without being read whole.</summary>
    public int MaxBodyBytes { get; set; } = 1_048_576;

    /// <summary>How long a duplicate waits for an in-flight delivery of the same event before answering 409.</summary>
    public int LockTimeoutSeconds { get; set; } = 10;

    /// <summary>Failed attempts after which an event is parked as <c>failed_permanent</c>.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Rows the retention purge deletes per statement (it pauses between batches to keep live deliveries' latency).</summary>
    public int PurgeBatchSize { get; set; } = 1000;

    /// <summary>Most expired rows one request deletes on its way (never waiting for locked rows; only claims that expired within the last hour).</summary>
    public int OpportunisticPurgeBatchSize { get; set; } = 100;
}
