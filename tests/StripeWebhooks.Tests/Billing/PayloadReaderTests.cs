using System.Text.Json.Nodes;
using StripeWebhooks.Billing;
using StripeWebhooks.Development;
using static StripeWebhooks.Tests.Billing.BillingEvents;

namespace StripeWebhooks.Tests.Billing;

/// <summary>The payload readers on Stripe's object shapes, including the variations the handler tests do not reach.</summary>
public class PayloadReaderTests
{
    private static ReadOnlyMemory<byte> DataObject(JsonObject stripeEvent) => SampleEvents.ToBytes(stripeEvent["data"]!["object"]!);

    [Theory]
    [InlineData(Basil)]
    [InlineData(Legacy)]
    public void A_subscription_reads_the_same_in_both_shapes(string apiVersion)
    {
        var payload = SubscriptionPayload.Read(DataObject(Subscription("customer.subscription.updated", "evt_1", T0, apiVersion,
            priceId: "price_x", status: "past_due", periodEnd: T0 + Day, cancelAtPeriodEnd: true, userId: "user_1")), "user_id");

        Assert.Equal(new SubscriptionPayload("sub_test0001", "cus_test0001", "user_1", "past_due", "price_x", Entitlement.At(T0 + Day), true), payload);
    }

    [Fact]
    public void The_latest_item_period_end_is_the_subscriptions_and_an_expanded_customer_gives_its_id()
    {
        var stripeEvent = Subscription("customer.subscription.updated", "evt_1", T0, periodEnd: T0 + Day);
        var subscription = stripeEvent["data"]!["object"]!.AsObject();
        var items = subscription["items"]!["data"]!.AsArray();
        var second = items[0]!.DeepClone().AsObject();
        second["current_period_end"] = T0 + (3 * Day);
        items.Add(second);
        subscription["customer"] = new JsonObject { ["id"] = "cus_expanded", ["object"] = "customer" };

        var payload = SubscriptionPayload.Read(DataObject(stripeEvent), "user_id");

        Assert.Equal(Entitlement.At(T0 + (3 * Day)), payload.CurrentPeriodEnd);
        Assert.Equal("cus_expanded", payload.CustomerId);
        Assert.Null(payload.UserId);
    }

    [Theory]
    [InlineData(Basil)]
    [InlineData(Legacy)]
    public void An_invoice_names_its_subscription_in_both_shapes(string apiVersion) =>
        Assert.Equal(new InvoicePayload("in_1", "cus_test0001", "sub_test0001"), InvoicePayload.Read(DataObject(Invoice("invoice.paid", "evt_1", T0, apiVersion))));

    [Fact]
    public void A_checkout_session_prefers_client_reference_id_to_metadata()
    {
        var withBoth = CheckoutSessionPayload.Read(DataObject(CheckoutCompleted("evt_1", T0, clientReferenceId: "user_ref", metadataUserId: "user_meta")), "user_id");
        var metadataOnly = CheckoutSessionPayload.Read(DataObject(CheckoutCompleted("evt_1", T0, metadataUserId: "user_meta")), "user_id");

        Assert.Equal(("user_ref", "subscription", "sub_test0001"), (withBoth.UserId, withBoth.Mode, withBoth.SubscriptionId));
        Assert.Equal("user_meta", metadataOnly.UserId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"object\":\"subscription\"}")]
    public void Something_that_is_not_a_subscription_is_refused_without_echoing_it(string json)
    {
        var error = Assert.Throws<InvalidDataException>(() => SubscriptionPayload.Read(System.Text.Encoding.UTF8.GetBytes(json), "user_id"));
        Assert.Contains("subscription", error.Message, StringComparison.Ordinal);
    }
}
