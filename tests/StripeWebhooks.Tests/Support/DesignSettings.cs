namespace StripeWebhooks.Tests.Support;

/// <summary>
/// The settings of the original design. A key ending in "__" stands for a family (Billing__Prices__&lt;price id&gt;).
/// Pinned so that none of them drops out of docs/configuration.md (Infra/AppSettingsTests), the sample settings
/// (Functions/LocalSettingsSampleTests) or the function app's settings.
/// </summary>
public static class DesignSettings
{
    public static readonly string[] Keys =
    [
        "ConnectionStrings__Webhooks",
        "Stripe__WebhookSecrets__0",
        "Stripe__SignatureToleranceSeconds",
        "Webhooks__RetentionDays",
        "PurgeSchedule",
        "Webhooks__MaxBodyBytes",
        "Webhooks__LockTimeoutSeconds",
        "Webhooks__MaxAttempts",
        "Billing__Prices__",
        "Billing__UserIdMetadataKey",
        "Billing__DefaultTier",
    ];
}
