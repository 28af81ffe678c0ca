namespace StripeWebhooks.Persistence;

/// <summary><c>ConnectionStrings__Webhooks</c>, as an options type so it is validated when the host starts.</summary>
/// <remarks>
/// The data source is only built on first use; the function app would otherwise start and then fail every
/// request. With <c>ValidateOnStart</c> a missing or malformed connection string stops the host, naming the key.
/// </remarks>
internal sealed class WebhookDatabaseOptions
{
    public string? ConnectionString { get; set; }
}
