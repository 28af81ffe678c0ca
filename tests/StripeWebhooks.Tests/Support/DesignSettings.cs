namespace StripeWebhooks.Tests.Support;

/// <summary>
/// Every setting DESIGN.md's configuration table names. A key ending in "__" stands for a family
/// (Billing__Prices__&lt;price id&gt;). Pinned here so the checks run without ../shared;
/// Infra/AppSettingsTests keeps this list in step with DESIGN.md when it is there.
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
