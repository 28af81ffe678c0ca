using System.Text.Json.Nodes;
using StripeWebhooks.Development;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Billing;

/// <summary>
/// Billing events built from Stripe's own object shapes (SampleEvents), in either API shape, with every
/// field the entitlement handlers read set explicitly.
/// </summary>
public static class BillingEvents
{
    /// <summary>
    /// Current shape (basil and later: period end on items, invoice subscription under parent.subscription_details),
    /// stamped with Stripe.net's API version.
    /// </summary>
    public const string Basil = SampleEvents.CurrentApiVersion;

    /// <summary>Earlier shape: period end and invoice subscription at the top level.</summary>
    public const string Legacy = "2024-06-20";

    /// <summary>An arbitrary, fixed event time; tests add seconds to it to order events.</summary>
    public const long T0 = 1_750_000_000;

    public const long Day = 86_400;

    /// <summary>Settings mapping <see cref="TestPrices.Pro"/> to "pro" and <c>price_test_basic</c> to "basic"; a new copy each time.</summary>
    public static Dictionary<string, string?> TwoPrices => new()
    {
        ["Billing__Prices__" + TestPrices.Pro] = "pro",
        ["Billing__Prices__price_test_basic"] = "basic",
    };

    public static JsonObject Subscription(string type, string eventId, long created, string apiVersion = Basil,
        string subscriptionId = "sub_test0001", string customerId = "cus_test0001", string priceId = TestPrices.Pro,
        string? status = null, long? periodEnd = null, bool cancelAtPeriodEnd = false, string? userId = null, string userIdKey = "user_id")
    {
        status ??= type.EndsWith(".deleted", StringComparison.Ordinal) ? "canceled" : "active";
        var subscription = SampleEvents.SubscriptionObject(subscriptionId, customerId, priceId, status, created);
        var end = periodEnd ?? created + (30 * Day);
        var item = subscription["items"]!["data"]![0]!.AsObject();
        if (apiVersion == Basil)
        {
            item["current_period_end"] = end;
        }
        else
        {
            // Before basil the period lives on the subscription and items have no period fields.
            item.Remove("current_period_end");
            item.Remove("current_period_start");
            subscription["current_period_start"] = created;
            subscription["current_period_end"] = end;
        }

        subscription["cancel_at_period_end"] = cancelAtPeriodEnd;
        if (userId is not null)
        {
            subscription["metadata"] = new JsonObject { [userIdKey] = userId };
        }

        return SampleEvents.Envelope(type, eventId, created, subscription, apiVersion);
    }

    public static JsonObject Invoice(string type, string eventId, long created, string apiVersion = Basil,
        string? subscriptionId = "sub_test0001", string customerId = "cus_test0001")
    {
        var invoice = SampleEvents.Invoice();
        invoice["id"] = "in_" + eventId[4..];
        invoice["customer"] = customerId;
        invoice["status"] = type == "invoice.paid" ? "paid" : "open";
        if (apiVersion == Basil)
        {
            invoice.Remove("subscription");
            invoice["parent"] = subscriptionId is null
                ? null
                : new JsonObject
                {
                    ["type"] = "subscription_details",
                    ["quote_details"] = null,
                    ["subscription_details"] = new JsonObject { ["metadata"] = new JsonObject(), ["subscription"] = subscriptionId },
                };
        }
        else
        {
            invoice.Remove("parent");
            invoice["subscription"] = subscriptionId;
        }

        return SampleEvents.Envelope(type, eventId, created, invoice, apiVersion);
    }

    public static JsonObject CheckoutCompleted(string eventId, long created, string apiVersion = Basil,
        string subscriptionId = "sub_test0001", string customerId = "cus_test0001", string? clientReferenceId = null,
        string? metadataUserId = null, string userIdKey = "user_id", string mode = "subscription")
    {
        var session = SampleEvents.CheckoutSession();
        session["id"] = "cs_" + eventId[4..];
        session["mode"] = mode;
        session["customer"] = customerId;
        session["subscription"] = mode == "subscription" ? subscriptionId : null;
        session["client_reference_id"] = clientReferenceId;
        session["metadata"] = metadataUserId is null ? new JsonObject() : new JsonObject { [userIdKey] = metadataUserId };
        session["status"] = "complete";
        session["payment_status"] = "paid";
        return SampleEvents.Envelope("checkout.session.completed", eventId, created, session, apiVersion);
    }
}
