namespace StripeWebhooks.Cli.Development;

/// <summary>What a running <c>webhooks serve</c> writes about its private Postgres, so other commands can use it.</summary>
/// <param name="ProcessId">serve's process id: the record counts only while that process runs.</param>
/// <param name="StartedAt">When serve started.</param>
/// <param name="ConnectionString">The private database (loopback, trust authentication, no password).</param>
/// <param name="DataDirectory">The Postgres data directory.</param>
/// <param name="WebhookUrl">Where serve receives webhooks.</param>
/// <param name="SamplePrices">Whether serve runs with the development price map (no <c>Billing__Prices__*</c> set).</param>
internal sealed record ServeRecord(int ProcessId, DateTimeOffset StartedAt, string ConnectionString, string DataDirectory, string WebhookUrl, bool SamplePrices);
