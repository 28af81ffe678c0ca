using StripeWebhooks.Billing;
using StripeWebhooks.Events;

namespace StripeWebhooks.Cli.Commands;

/// <summary>What <c>webhooks send</c> says about the event it sends: type, id, and the customer, subscription and user it names.</summary>
internal static class EventSummary
{
    /// <summary>One line describing <paramref name="body"/>, read the way the built-in handlers read it.</summary>
    public static string Describe(byte[] body, string userIdMetadataKey)
    {
        if (!StripeEventParser.TryParse(body, out var stripeEvent, out var error))
        {
            return $"{body.Length} bytes that are not a Stripe event ({error}): the endpoint should answer 400";
        }

        string? customer = null, subscription = null, user = null;
        try
        {
            if (stripeEvent.Type.StartsWith("customer.subscription.", StringComparison.Ordinal))
            {
                var payload = SubscriptionPayload.Read(stripeEvent.DataObject, userIdMetadataKey);
                (customer, subscription, user) = (payload.CustomerId, payload.Id, payload.UserId);
            }
            else if (stripeEvent.Type.StartsWith("invoice.", StringComparison.Ordinal))
            {
                var payload = InvoicePayload.Read(stripeEvent.DataObject);
                (customer, subscription) = (payload.CustomerId, payload.SubscriptionId);
            }
            else if (stripeEvent.Type.StartsWith("checkout.session.", StringComparison.Ordinal))
            {
                var payload = CheckoutSessionPayload.Read(stripeEvent.DataObject, userIdMetadataKey);
                (customer, subscription, user) = (payload.CustomerId, payload.SubscriptionId, payload.UserId);
            }
            else
            {
                return $"{stripeEvent.Type} {stripeEvent.Id} (no built-in handler reads this type: it is only claimed)";
            }
        }
        catch (InvalidDataException ex)
        {
            return $"{stripeEvent.Type} {stripeEvent.Id} (its data.object is not what the handlers expect: {ex.Message})";
        }

        return $"{stripeEvent.Type} {stripeEvent.Id}: customer {customer ?? "-"}, subscription {subscription ?? "-"}, " +
               $"user {user ?? (customer is null ? "-" : $"via {customer} (not in the event)")}";
    }
}
