using System.Text;
using System.Text.Json.Nodes;
using Stripe;
using StripeWebhooks.Billing;
using StripeWebhooks.Development;
using StripeWebhooks.Events;
using StripeWebhooks.Tests.Support;
using static StripeWebhooks.Tests.Billing.BillingEvents;

namespace StripeWebhooks.Tests.Billing;

/// <summary>
/// What <c>webhooks send</c> posts (<see cref="SampleEvents"/>) reads the same through Stripe.net as through our
/// envelope parser and payload readers: the SDK a .NET team already uses is a second judge of the readers.
/// </summary>
public class StripeNetParityTests
{
    public static TheoryData<string> SampleTypes =>
    [
        "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
        "invoice.paid", "invoice.payment_failed", "checkout.session.completed", "product.updated",
    ];

    [Fact]
    public void Sample_events_are_stamped_with_the_api_version_Stripe_net_models() =>
        Assert.Equal(SampleEvents.CurrentApiVersion, StripeConfiguration.ApiVersion);

    [Theory]
    [MemberData(nameof(SampleTypes))]
    public void A_sample_event_has_the_same_envelope_in_Stripe_net_as_in_our_parser(string type)
    {
        var (ours, stripeNet) = ParseBoth(SampleEvents.Build(type, created: T0));

        Assert.Equal((ours.Id, ours.Type, ours.Created, ours.Livemode, ours.ApiVersion),
            (stripeNet.Id, stripeNet.Type, new DateTimeOffset(stripeNet.Created, TimeSpan.Zero), stripeNet.Livemode, stripeNet.ApiVersion));
    }

    [Theory]
    [InlineData("customer.subscription.updated", "active")]
    [InlineData("customer.subscription.deleted", "canceled")]
    public void A_sample_subscription_reads_the_same_ids_status_price_and_period_end(string type, string status)
    {
        var (ours, stripeNet) = ParseBoth(SampleEvents.Build(type, created: T0, priceId: TestPrices.Pro));
        var payload = SubscriptionPayload.Read(ours.DataObject, "user_id");
        var subscription = Assert.IsType<Subscription>(stripeNet.Data.Object);

        Assert.Equal(status, payload.Status);
        Assert.Equal(
            (payload.Id, payload.CustomerId, payload.Status, payload.PriceId, payload.CurrentPeriodEnd, payload.CancelAtPeriodEnd),
            (subscription.Id, subscription.CustomerId, subscription.Status, subscription.Items.Data[0].Price.Id,
                (DateTimeOffset?)new DateTimeOffset(subscription.Items.Data.Max(item => item.CurrentPeriodEnd), TimeSpan.Zero), subscription.CancelAtPeriodEnd));
        Assert.Equal(Entitlement.At(T0 + (30 * Day)), payload.CurrentPeriodEnd);
    }

    [Theory]
    [InlineData("invoice.paid")]
    [InlineData("invoice.payment_failed")]
    public void A_sample_invoice_reads_the_same_ids(string type)
    {
        var (ours, stripeNet) = ParseBoth(SampleEvents.Build(type, created: T0));
        var payload = InvoicePayload.Read(ours.DataObject);
        var invoice = Assert.IsType<Invoice>(stripeNet.Data.Object);

        Assert.Equal("sub_sample0001", payload.SubscriptionId);
        Assert.Equal((payload.Id, payload.CustomerId, payload.SubscriptionId),
            (invoice.Id, invoice.CustomerId, invoice.Parent.SubscriptionDetails.SubscriptionId));
    }

    [Fact]
    public void A_sample_checkout_session_reads_the_same_ids_and_user()
    {
        var (ours, stripeNet) = ParseBoth(SampleEvents.Build("checkout.session.completed", created: T0));
        var payload = CheckoutSessionPayload.Read(ours.DataObject, "user_id");
        var session = Assert.IsType<Stripe.Checkout.Session>(stripeNet.Data.Object);

        Assert.Equal("user_sample0001", payload.UserId);
        Assert.Equal((payload.Id, payload.Mode, payload.CustomerId, payload.SubscriptionId, payload.UserId),
            (session.Id, session.Mode, session.CustomerId, session.SubscriptionId, session.ClientReferenceId));
    }

    [Fact]
    public void A_pre_basil_subscription_fills_Stripe_net_with_defaults_which_is_why_typed_access_refuses_other_releases()
    {
        var legacy = SampleEvents.ToBytes(Subscription("customer.subscription.updated", "evt_legacy", T0, Legacy, periodEnd: T0 + Day));

        var lenient = EventUtility.ParseEvent(Encoding.UTF8.GetString(legacy), throwOnApiVersionMismatch: false);

        Assert.Equal(DateTime.UnixEpoch, ((Subscription)lenient.Data.Object).Items.Data[0].CurrentPeriodEnd);
        Assert.Equal(Entitlement.At(T0 + Day), SubscriptionPayload.Read(Parse(legacy).DataObject, "user_id").CurrentPeriodEnd);
        Assert.Throws<StripeApiVersionMismatchException>(() => Parse(legacy).ToStripeNetEvent());
    }

    /// <summary>Through our parser, and through Stripe.net with its own API-version check on.</summary>
    private static (StripeEvent Ours, Event StripeNet) ParseBoth(JsonObject stripeEvent)
    {
        var body = SampleEvents.ToBytes(stripeEvent);
        return (Parse(body), EventUtility.ParseEvent(Encoding.UTF8.GetString(body)));
    }

    private static StripeEvent Parse(byte[] body)
    {
        Assert.True(StripeEventParser.TryParse(body, out var parsed, out var error), error);
        return parsed;
    }
}
