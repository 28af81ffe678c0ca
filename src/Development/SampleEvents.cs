using System.Text.Json;
using System.Text.Json.Nodes;

namespace StripeWebhooks.Development;

/// <summary>
/// Realistic Stripe events built from Stripe-authored object shapes (see Samples/NOTICE.md), for
/// <c>webhooks send</c>, the tests and the benchmark. Callers set the fields they care about.
/// </summary>
public static class SampleEvents
{
    /// <summary>
    /// API version stamped on built events: the one Stripe.net's models follow (<c>Stripe.StripeConfiguration.ApiVersion</c>;
    /// a test keeps them equal), so typed handlers read what <c>webhooks send</c> posts. The shape is basil's and
    /// later: period end on subscription items, an invoice's subscription under <c>parent</c>.
    /// </summary>
    public const string CurrentApiVersion = "2026-10-28.endive";

    /// <summary>The price built subscription events bill, and the one <c>webhooks serve</c> maps when no price map is set.</summary>
    public const string SamplePriceId = "price_sample_pro";

    /// <summary>The tier of <see cref="SamplePriceId"/> in the development price map.</summary>
    public const string SampleTier = "pro";

    /// <summary>The types <see cref="Build"/> shapes for the built-in billing handlers (what <c>webhooks send --type</c> accepts).</summary>
    public static IReadOnlyList<string> Types { get; } =
    [
        "checkout.session.completed",
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "invoice.paid",
        "invoice.payment_failed",
    ];

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>A fresh copy of Stripe's sample subscription.</summary>
    public static JsonObject Subscription() => Load("openapi-subscription.json");

    /// <summary>A fresh copy of Stripe's sample invoice.</summary>
    public static JsonObject Invoice() => Load("openapi-invoice.json");

    /// <summary>A fresh copy of Stripe's sample Checkout Session.</summary>
    public static JsonObject CheckoutSession() => Load("openapi-checkout.session.json");

    /// <summary>A fresh copy of the object inside Stripe's sample event (a plan).</summary>
    public static JsonObject GenericObject() => (JsonObject)Load("openapi-event.json")["data"]!["object"]!.DeepClone();

    /// <summary>Wraps <paramref name="dataObject"/> in an event envelope shaped like Stripe's.</summary>
    public static JsonObject Envelope(string type, string id, long created, JsonObject dataObject, string? apiVersion = CurrentApiVersion, bool livemode = false)
    {
        var envelope = Load("openapi-event.json");
        envelope["id"] = id;
        envelope["type"] = type;
        envelope["created"] = created;
        envelope["livemode"] = livemode;
        envelope["api_version"] = apiVersion;
        envelope["data"] = new JsonObject { ["object"] = dataObject };
        return envelope;
    }

    /// <summary>
    /// A plausible event of <paramref name="type"/>: subscription, invoice and Checkout Session types get
    /// their object with consistent ids; any other type gets Stripe's sample object.
    /// </summary>
    public static JsonObject Build(string type, string? id = null, long? created = null,
        string subscriptionId = "sub_sample0001", string customerId = "cus_sample0001", string priceId = SamplePriceId)
    {
        id ??= NewEventId();
        var when = created ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        JsonObject dataObject;
        if (type.StartsWith("customer.subscription.", StringComparison.Ordinal))
        {
            dataObject = SubscriptionObject(subscriptionId, customerId, priceId, type.EndsWith(".deleted", StringComparison.Ordinal) ? "canceled" : "active", when);
        }
        else if (type.StartsWith("invoice.", StringComparison.Ordinal))
        {
            dataObject = Invoice();
            dataObject["id"] = "in_" + id[4..];
            dataObject["customer"] = customerId;
            dataObject["subscription"] = null;
            dataObject["parent"] = new JsonObject
            {
                ["type"] = "subscription_details",
                ["quote_details"] = null,
                ["subscription_details"] = new JsonObject { ["metadata"] = new JsonObject(), ["subscription"] = subscriptionId },
            };
            dataObject["status"] = type == "invoice.paid" ? "paid" : "open";
        }
        else if (type.StartsWith("checkout.session.", StringComparison.Ordinal))
        {
            dataObject = CheckoutSession();
            dataObject["id"] = "cs_" + id[4..];
            dataObject["mode"] = "subscription";
            dataObject["customer"] = customerId;
            dataObject["subscription"] = subscriptionId;
            dataObject["client_reference_id"] = "user_sample0001";
            dataObject["status"] = "complete";
            dataObject["payment_status"] = "paid";
        }
        else
        {
            dataObject = GenericObject();
        }

        return Envelope(type, id, when, dataObject);
    }

    /// <summary>Stripe's subscription shape with the fields the entitlement handlers read set explicitly.</summary>
    public static JsonObject SubscriptionObject(string subscriptionId, string customerId, string priceId, string status, long periodStart)
    {
        var subscription = Subscription();
        subscription["id"] = subscriptionId;
        subscription["customer"] = customerId;
        subscription["status"] = status;
        subscription["cancel_at_period_end"] = false;
        subscription["cancel_at"] = null;
        subscription["canceled_at"] = status == "canceled" ? periodStart : null;
        subscription["ended_at"] = status == "canceled" ? periodStart : null;
        subscription["created"] = periodStart;
        subscription["start_date"] = periodStart;
        subscription["metadata"] = new JsonObject();
        var item = subscription["items"]!["data"]![0]!.AsObject();
        item["subscription"] = subscriptionId;
        item["current_period_start"] = periodStart;
        item["current_period_end"] = periodStart + (30 * 86_400);
        item["price"]!["id"] = priceId;
        item["plan"]!["id"] = priceId;
        subscription["items"]!["url"] = "/v1/subscription_items?subscription=" + subscriptionId;
        return subscription;
    }

    /// <summary>An id in Stripe's format (<c>evt_</c> + 24 alphanumerics).</summary>
    public static string NewEventId() => "evt_" + Guid.NewGuid().ToString("N")[..24];

    /// <summary>Serialises compactly, as Stripe does on the wire.</summary>
    public static byte[] ToBytes(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, Compact);

    private static JsonObject Load(string file)
    {
        using var stream = typeof(SampleEvents).Assembly.GetManifestResourceStream("Samples." + file)
            ?? throw new InvalidOperationException($"Sample {file} is not embedded.");
        return JsonNode.Parse(stream)!.AsObject();
    }
}
