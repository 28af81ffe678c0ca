namespace StripeWebhooks.Billing;

/// <summary>The fields of a Stripe invoice (<c>invoice.*</c>'s <c>data.object</c>) that entitlements use.</summary>
/// <param name="Id">Invoice id (<c>in_...</c>).</param>
/// <param name="CustomerId">Customer id, also when Stripe expanded the customer.</param>
/// <param name="SubscriptionId">The subscription the invoice bills; null for a one-off invoice.</param>
public sealed record InvoicePayload(string Id, string? CustomerId, string? SubscriptionId)
{
    /// <summary>Reads an invoice object in either API shape.</summary>
    /// <remarks>
    /// Since <c>2025-03-31.basil</c> an invoice names its subscription in
    /// <c>parent.subscription_details.subscription</c>; earlier versions in a top-level <c>subscription</c>.
    /// </remarks>
    /// <exception cref="InvalidDataException"><paramref name="dataObject"/> is not an invoice object.</exception>
    public static InvoicePayload Read(ReadOnlyMemory<byte> dataObject)
    {
        using var document = StripeJson.Parse(dataObject, "invoice");
        var invoice = document.RootElement;
        var subscriptionDetails = StripeJson.Object(StripeJson.Object(invoice, "parent"), "subscription_details");
        return new InvoicePayload(
            StripeJson.RequiredId(invoice, "invoice"),
            StripeJson.Reference(invoice, "customer"),
            StripeJson.Reference(subscriptionDetails, "subscription") ?? StripeJson.Reference(invoice, "subscription"));
    }
}
