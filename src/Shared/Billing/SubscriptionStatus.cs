namespace StripeWebhooks.Billing;

/// <summary>Stripe's subscription statuses, and the rule the handlers apply to them.</summary>
internal static class SubscriptionStatus
{
    public const string Incomplete = "incomplete";
    public const string IncompleteExpired = "incomplete_expired";
    public const string Trialing = "trialing";
    public const string Active = "active";
    public const string PastDue = "past_due";
    public const string Canceled = "canceled";
    public const string Unpaid = "unpaid";
    public const string Paused = "paused";

    /// <summary>
    /// Statuses whose subscription grants its price's tier (the <c>entitlements</c> view says the same):
    /// past_due is Stripe's grace period while it retries the payment.
    /// </summary>
    public static bool GrantsTier(string? status) => status is Active or Trialing or PastDue;
}
