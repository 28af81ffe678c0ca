namespace StripeWebhooks.Billing;

/// <summary>A subscription that grants access is on a price the configuration does not map to a tier.</summary>
/// <remarks>
/// Thrown from a handler, it fails the event: nothing is written, the failure ledger records it and Stripe
/// retries, so configuring the price (and restarting) lets the next delivery apply the event. The message
/// carries the price id because it is the configuration key to set; it is not customer data.
/// </remarks>
internal sealed class UnknownPriceException(string? priceId) : Exception(priceId is null
    ? "The subscription has no price: cannot tell its tier."
    : $"Billing__Prices__{priceId} is not configured: map the price to a tier, and the next retry (or `webhooks replay`) applies this event.")
{
    /// <summary>The price that is not in <c>Billing__Prices</c>; null when the subscription had none.</summary>
    public string? PriceId { get; } = priceId;
}
