using System.Text.Json;

namespace StripeWebhooks.Billing;

/// <summary>The fields of a Stripe subscription (<c>customer.subscription.*</c>'s <c>data.object</c>) that entitlements use.</summary>
/// <param name="Id">Subscription id (<c>sub_...</c>).</param>
/// <param name="CustomerId">Customer id, also when Stripe expanded the customer.</param>
/// <param name="UserId">App user id from <c>metadata[Billing__UserIdMetadataKey]</c>, when present.</param>
/// <param name="Status">Stripe's status (see <see cref="SubscriptionStatus"/>).</param>
/// <param name="PriceId">The first item's price.</param>
/// <param name="CurrentPeriodEnd">End of the paid period, from either API shape.</param>
/// <param name="CancelAtPeriodEnd">Whether the subscription ends at <paramref name="CurrentPeriodEnd"/>.</param>
public sealed record SubscriptionPayload(
    string Id,
    string? CustomerId,
    string? UserId,
    string? Status,
    string? PriceId,
    DateTimeOffset? CurrentPeriodEnd,
    bool CancelAtPeriodEnd)
{
    /// <summary>Reads a subscription object in either API shape.</summary>
    /// <remarks>
    /// Since <c>2025-03-31.basil</c> the period end lives on each item (<c>items.data[].current_period_end</c>);
    /// earlier versions have it on the subscription. The later of the items' ends is the subscription's.
    /// </remarks>
    /// <exception cref="InvalidDataException"><paramref name="dataObject"/> is not a subscription object.</exception>
    public static SubscriptionPayload Read(ReadOnlyMemory<byte> dataObject, string userIdMetadataKey)
    {
        using var document = StripeJson.Parse(dataObject, "subscription");
        var subscription = document.RootElement;
        var items = StripeJson.ListData(subscription, "items").ToList();
        var firstItem = items.Count > 0 ? items[0] : default;

        var periodEnd = StripeJson.UnixTime(subscription, "current_period_end")
            ?? items.Select(item => StripeJson.UnixTime(item, "current_period_end")).Max();
        var priceId = StripeJson.Reference(firstItem, "price")
            ?? StripeJson.Reference(firstItem, "plan")
            ?? StripeJson.Reference(subscription, "plan");

        return new SubscriptionPayload(
            StripeJson.RequiredId(subscription, "subscription"),
            StripeJson.Reference(subscription, "customer"),
            StripeJson.Metadata(subscription, userIdMetadataKey),
            StripeJson.String(subscription, "status"),
            priceId,
            periodEnd,
            StripeJson.Boolean(subscription, "cancel_at_period_end"));
    }
}
