namespace StripeWebhooks.Billing;

/// <summary>Entitlement settings, bound from the <c>Billing</c> section.</summary>
internal sealed class BillingOptions
{
    public const string SectionName = "Billing";

    /// <summary>Tier of a user with no subscription that grants one.</summary>
    public const string DefaultDefaultTier = "free";

    /// <summary>Metadata key that holds the app user id unless configured otherwise.</summary>
    public const string DefaultUserIdMetadataKey = "user_id";

    /// <summary>Stripe price id -> tier name: <c>Billing__Prices__price_123=pro</c>. At least one is required.</summary>
    /// <remarks>
    /// Looked up case-insensitively: configuration keys (and so environment variable names) are, so two
    /// prices differing only in case could not be told apart and are refused at start-up.
    /// </remarks>
    public Dictionary<string, string> Prices { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Checkout Session and subscription metadata key holding the app user id.</summary>
    public string UserIdMetadataKey { get; set; } = DefaultUserIdMetadataKey;

    /// <summary>Tier the <c>entitlements</c> view reports for a user without an active, trialing or past_due subscription.</summary>
    public string DefaultTier { get; set; } = DefaultDefaultTier;
}
