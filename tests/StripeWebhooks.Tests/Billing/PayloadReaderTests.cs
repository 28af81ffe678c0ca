using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StripeWebhooks.Billing;
using StripeWebhooks.Development;
using StripeWebhooks.Tests.Support;
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

    // The subscription reader reads forward only: the tests below pin the rules a document lookup gave for free.

    [Fact]
    public void A_subscription_reads_the_same_whatever_the_order_of_its_fields()
    {
        var subscription = Subscription("customer.subscription.updated", "evt_1", T0, Legacy, userId: "user_1")["data"]!["object"]!;

        var reversed = SubscriptionPayload.Read(SampleEvents.ToBytes(Reversed(subscription)!), "user_id");

        Assert.Equal(SubscriptionPayload.Read(SampleEvents.ToBytes(subscription), "user_id"), reversed);
        Assert.Equal(("sub_test0001", "user_1", TestPrices.Pro), (reversed.Id, reversed.UserId, reversed.PriceId));
    }

    [Fact]
    public void Fields_of_the_same_name_nested_deeper_are_not_the_subscriptions()
    {
        var stripeEvent = Subscription("customer.subscription.updated", "evt_1", T0, periodEnd: T0 + Day, userId: "user_1");
        var subscription = stripeEvent["data"]!["object"]!.AsObject();
        var decoy = new JsonObject { ["id"] = "decoy", ["price"] = "price_decoy", ["plan"] = "plan_decoy", ["customer"] = "cus_decoy",
            ["status"] = "canceled", ["current_period_end"] = T0 + (9 * Day), ["cancel_at_period_end"] = true, ["user_id"] = "user_decoy" };
        subscription["metadata"]!["nested"] = decoy.DeepClone();
        subscription["automatic_tax"] = decoy.DeepClone();
        var item = subscription["items"]!["data"]![0]!.AsObject();
        item["metadata"] = decoy.DeepClone();
        var price = item["price"]!.AsObject();
        price.Remove("id");
        price["product"] = decoy.DeepClone();
        price["id"] = "price_own";
        subscription["customer"] = new JsonObject { ["object"] = "customer", ["invoice_settings"] = decoy.DeepClone(), ["id"] = "cus_own" };

        var payload = SubscriptionPayload.Read(DataObject(stripeEvent), "user_id");

        Assert.Equal(new SubscriptionPayload("sub_test0001", "cus_own", "user_1", "active", "price_own", Entitlement.At(T0 + Day), false), payload);
    }

    [Fact]
    public void The_first_item_gives_the_price_and_every_item_a_period_end()
    {
        var stripeEvent = Subscription("customer.subscription.updated", "evt_1", T0, periodEnd: T0 + Day);
        var subscription = stripeEvent["data"]!["object"]!.AsObject();
        var items = subscription["items"]!["data"]!.AsArray();
        var first = items[0]!.AsObject();
        var second = first.DeepClone().AsObject();
        second["price"]!["id"] = "price_second";
        second["current_period_end"] = T0 + (5 * Day);
        var third = first.DeepClone().AsObject();
        third["price"] = "price_third";
        third["current_period_end"] = T0 + (2 * Day);
        items.Add(second);
        items.Add(third);
        first.Remove("price");

        var payload = SubscriptionPayload.Read(DataObject(stripeEvent), "user_id");

        // No price on the first item: its plan, never another item's price.
        Assert.Equal((TestPrices.Pro, Entitlement.At(T0 + (5 * Day))), (payload.PriceId, payload.CurrentPeriodEnd));
    }

    [Theory]
    [InlineData("""{"id":"sub_1","customer":{"object":"customer","default_source":{"id":"card_1"}}}""", null)]
    [InlineData("""{"id":"sub_1","customer":{"id":7}}""", null)]
    [InlineData("""{"id":"sub_1","customer":null}""", null)]
    [InlineData("""{"id":"sub_1","customer":{"sources":{"data":[{"id":"card_1"}]},"id":"cus_1","tax":{"id":"tax_1"}}}""", "cus_1")]
    public void An_expanded_customer_gives_only_its_own_id(string json, string? customerId) =>
        Assert.Equal(customerId, SubscriptionPayload.Read(Encoding.UTF8.GetBytes(json), "user_id").CustomerId);

    [Fact]
    public void A_repeated_field_reads_as_its_last_occurrence_and_escaped_names_match()
    {
        const string Json = """
            {"id":"sub_1","status":"active","metadata":{"user_id":"user_1"},"st\u0061tus":"past_due","metadata":{"other":"x"},
             "items":{"data":[{"price":"price_old","current_period_end":1750000000}],"data":[{"price":{"id":"price_a","id":"price_b"}}]},
             "cancel_at_period_end":true,"cancel_at_period_end":null}
            """;

        var payload = SubscriptionPayload.Read(Encoding.UTF8.GetBytes(Json), "user_id");

        Assert.Equal(new SubscriptionPayload("sub_1", null, null, "past_due", "price_b", null, false), payload);
    }

    [Theory]
    [InlineData("""{"id":"sub_1","current_period_end":1750000000,"items":{"data":[{"current_period_end":1.5}]}}""", null)]
    [InlineData("""{"id":"sub_1","items":{"data":[{"current_period_end":1750000000},{"current_period_end":1.5}]}}""", typeof(FormatException))]
    [InlineData("""{"items":{"data":[{"current_period_end":99999999999999}]},"id":"sub_1"}""", typeof(ArgumentOutOfRangeException))]
    public void An_item_period_end_that_is_no_unix_time_fails_only_when_the_subscription_has_no_end_of_its_own(string json, Type? error)
    {
        var read = Record.Exception(() => SubscriptionPayload.Read(Encoding.UTF8.GetBytes(json), "user_id"));

        Assert.Equal(error, read?.GetType());
    }

    [Theory]
    [InlineData("""{"id":"sub_1"} x""")]
    [InlineData("""{"id":"sub_1","items":{"data":[}}""")]
    [InlineData("""[{"id":"sub_1"}""")]
    public void Malformed_json_is_refused_as_json_wherever_it_is(string json) =>
        Assert.ThrowsAny<JsonException>(() => SubscriptionPayload.Read(Encoding.UTF8.GetBytes(json), "user_id"));

    /// <summary>The same JSON with the properties of every object in reverse order.</summary>
    private static JsonNode? Reversed(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Reverse().Select(property => KeyValuePair.Create(property.Key, Reversed(property.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Reversed)]),
        _ => node?.DeepClone(),
    };
}
