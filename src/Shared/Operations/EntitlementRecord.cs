namespace StripeWebhooks.Operations;

/// <summary>One row of the <c>entitlements</c> view: an app user's tier and the subscription it comes from.</summary>
/// <param name="UserId">The app user.</param>
/// <param name="Tier">The tier to grant (the default tier unless the subscription is active, trialing or past_due).</param>
/// <param name="Status">Stripe's subscription status; null while only the checkout session is known.</param>
/// <param name="CurrentPeriodEnd">End of the paid period.</param>
/// <param name="CancelAtPeriodEnd">Whether the subscription ends at <paramref name="CurrentPeriodEnd"/>.</param>
/// <param name="SubscriptionId">The Stripe subscription the row comes from.</param>
internal sealed record EntitlementRecord(
    string UserId,
    string Tier,
    string? Status,
    DateTime? CurrentPeriodEnd,
    bool? CancelAtPeriodEnd,
    string? SubscriptionId);
