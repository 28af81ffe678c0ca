namespace StripeWebhooks.Billing;

/// <summary>The fields of a Checkout Session (<c>checkout.session.completed</c>'s <c>data.object</c>) that entitlements use.</summary>
/// <param name="Id">Session id (<c>cs_...</c>).</param>
/// <param name="Mode"><c>subscription</c>, <c>payment</c> or <c>setup</c>.</param>
/// <param name="CustomerId">The customer the session created or used.</param>
/// <param name="SubscriptionId">The subscription it created (mode <c>subscription</c>).</param>
/// <param name="UserId">App user id: <c>client_reference_id</c>, else <c>metadata[Billing__UserIdMetadataKey]</c>.</param>
public sealed record CheckoutSessionPayload(string Id, string? Mode, string? CustomerId, string? SubscriptionId, string? UserId)
{
    /// <summary>Mode of a session that starts a subscription.</summary>
    public const string SubscriptionMode = "subscription";

    /// <summary>Reads a Checkout Session object (its shape is the same across the API versions concerned).</summary>
    /// <exception cref="InvalidDataException"><paramref name="dataObject"/> is not a Checkout Session object.</exception>
    public static CheckoutSessionPayload Read(ReadOnlyMemory<byte> dataObject, string userIdMetadataKey)
    {
        using var document = StripeJson.Parse(dataObject, "checkout session");
        var session = document.RootElement;
        return new CheckoutSessionPayload(
            StripeJson.RequiredId(session, "checkout session"),
            StripeJson.String(session, "mode"),
            StripeJson.Reference(session, "customer"),
            StripeJson.Reference(session, "subscription"),
            StripeJson.String(session, "client_reference_id") is { Length: > 0 } reference ? reference : StripeJson.Metadata(session, userIdMetadataKey));
    }
}
