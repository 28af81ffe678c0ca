namespace StripeWebhooks.Billing;

/// <summary>What one event says about one subscription. A null field says nothing: what is known is kept.</summary>
/// <param name="SubscriptionId">The subscription the event is about.</param>
/// <param name="CustomerId">Its customer, when the event names it.</param>
/// <param name="UserId">The app user from subscription metadata, when present.</param>
/// <param name="Status">The status the subscription has after the event.</param>
/// <param name="Tier">The tier of <paramref name="PriceId"/>, when known.</param>
/// <param name="PriceId">The first item's price (subscription events only).</param>
/// <param name="CurrentPeriodEnd">End of the paid period (subscription events only).</param>
/// <param name="CancelAtPeriodEnd">Whether it ends at the period end (subscription events only).</param>
/// <param name="OnlyFromStatuses">
/// When set, the change applies only to a subscription in one of these statuses (or not known yet):
/// invoice events move a subscription between a few statuses and never revive a canceled one.
/// </param>
internal sealed record SubscriptionChange(
    string SubscriptionId,
    string? CustomerId,
    string? UserId,
    string Status,
    string? Tier,
    string? PriceId,
    DateTimeOffset? CurrentPeriodEnd,
    bool? CancelAtPeriodEnd,
    string[]? OnlyFromStatuses);
