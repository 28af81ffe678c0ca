using System.Net;
using StripeWebhooks.Tests.Support;
using static StripeWebhooks.Tests.Billing.BillingEvents;
using static StripeWebhooks.Tests.Billing.Entitlement;

namespace StripeWebhooks.Tests.Billing;

/// <summary>Each built-in billing event type, in both API shapes, checked through the <c>entitlements</c> view.</summary>
public class EntitlementHandlerTests
{
    [Theory]
    [InlineData(Basil)]
    [InlineData(Legacy)]
    public async Task Subscription_created_grants_the_price_tier(string apiVersion)
    {
        await using var server = await WebhookTestServer.StartAsync();
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_created", T0, apiVersion,
            periodEnd: T0 + (30 * Day), userId: "user_1"));

        Assert.Equal(new Entitlement("pro", "active", At(T0 + (30 * Day)), false, "sub_test0001"), await ReadAsync(server, "user_1"));
        Assert.Equal("evt_created", await server.ScalarAsync<string>("SELECT last_event_id FROM stripe_subscriptions"));
        Assert.Equal("user_1", await server.ScalarAsync<string>("SELECT user_id FROM stripe_customers WHERE customer_id = 'cus_test0001'"));
    }

    [Theory]
    [InlineData(Basil)]
    [InlineData(Legacy)]
    public async Task Subscription_updated_changes_tier_period_end_and_cancel_at_period_end(string apiVersion)
    {
        await using var server = await WebhookTestServer.StartAsync(settings: TwoPrices);
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_created", T0, apiVersion, userId: "user_1"));
        await DeliverAsync(server, Subscription("customer.subscription.updated", "evt_updated", T0 + 60, apiVersion,
            priceId: "price_test_basic", periodEnd: T0 + (60 * Day), cancelAtPeriodEnd: true, userId: "user_1"));

        Assert.Equal(new Entitlement("basic", "active", At(T0 + (60 * Day)), true, "sub_test0001"), await ReadAsync(server, "user_1"));
        Assert.Equal(2, await server.ScalarAsync<int>("SELECT revision FROM stripe_subscriptions"));
    }

    [Theory]
    [InlineData(Basil)]
    [InlineData(Legacy)]
    public async Task Subscription_deleted_puts_the_user_on_the_configured_default_tier(string apiVersion)
    {
        await using var server = await WebhookTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Billing__DefaultTier"] = "starter" });
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_created", T0, apiVersion, userId: "user_1"));
        await DeliverAsync(server, Subscription("customer.subscription.deleted", "evt_deleted", T0 + 60, apiVersion, userId: "user_1"));

        var entitlement = await ReadAsync(server, "user_1");
        Assert.Equal(("starter", "canceled"), (entitlement!.Tier, entitlement.Status));
    }

    [Theory]
    [InlineData(Basil)]
    [InlineData(Legacy)]
    public async Task Invoice_payment_failed_makes_it_past_due_and_invoice_paid_active_again(string apiVersion)
    {
        await using var server = await WebhookTestServer.StartAsync();
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_created", T0, apiVersion, userId: "user_1"));

        await DeliverAsync(server, Invoice("invoice.payment_failed", "evt_failed", T0 + Day, apiVersion));
        Assert.Equal(("pro", "past_due"), Pair(await ReadAsync(server, "user_1")));

        await DeliverAsync(server, Invoice("invoice.paid", "evt_paid", T0 + (2 * Day), apiVersion));
        Assert.Equal(("pro", "active"), Pair(await ReadAsync(server, "user_1")));
        Assert.Equal("evt_paid", await server.ScalarAsync<string>("SELECT last_event_id FROM stripe_subscriptions"));
    }

    [Theory]
    [InlineData(Basil)]
    [InlineData(Legacy)]
    public async Task Checkout_session_links_the_customer_through_client_reference_id(string apiVersion)
    {
        await using var server = await WebhookTestServer.StartAsync();
        await DeliverAsync(server, CheckoutCompleted("evt_checkout", T0, apiVersion, clientReferenceId: "user_1", metadataUserId: "not_this_one"));
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_created", T0, apiVersion));

        Assert.Equal(("pro", "active"), Pair(await ReadAsync(server, "user_1")));
        Assert.Null(await ReadAsync(server, "not_this_one"));
    }

    [Theory]
    [InlineData(Basil)]
    [InlineData(Legacy)]
    public async Task Checkout_session_without_client_reference_id_uses_the_configured_metadata_key(string apiVersion)
    {
        await using var server = await WebhookTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Billing__UserIdMetadataKey"] = "account" });
        await DeliverAsync(server, CheckoutCompleted("evt_checkout", T0, apiVersion, metadataUserId: "acct_7", userIdKey: "account"));
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_created", T0 + 1, apiVersion));

        Assert.Equal(("pro", "active"), Pair(await ReadAsync(server, "acct_7")));
    }

    [Theory]
    [InlineData("payment")]
    [InlineData("setup")]
    public async Task Checkout_sessions_in_payment_or_setup_mode_are_acknowledged_and_ignored(string mode)
    {
        await using var server = await WebhookTestServer.StartAsync();
        await DeliverAsync(server, CheckoutCompleted("evt_checkout", T0, clientReferenceId: "user_1", mode: mode));

        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM stripe_customers"));
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM stripe_subscriptions"));
        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM processed_stripe_events"));
    }

    [Theory]
    [InlineData(Basil)]
    [InlineData(Legacy)]
    public async Task An_invoice_without_a_subscription_is_acknowledged_and_ignored(string apiVersion)
    {
        await using var server = await WebhookTestServer.StartAsync();
        await DeliverAsync(server, Invoice("invoice.paid", "evt_one_off", T0, apiVersion, subscriptionId: null));
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM stripe_subscriptions"));
    }

    [Fact]
    public async Task An_invoice_stores_nothing_for_what_it_does_not_say()
    {
        await using var server = await WebhookTestServer.StartAsync();
        await DeliverAsync(server, Invoice("invoice.payment_failed", "evt_failed", T0));

        // The invoice's change has no user, tier, price, period end or cancel_at_period_end: they go as NULL.
        Assert.True(await server.ScalarAsync<bool>("""
            SELECT user_id IS NULL AND tier IS NULL AND price_id IS NULL AND current_period_end IS NULL
                AND details_event_created IS NULL AND cancel_at_period_end = FALSE AND status = 'past_due'
            FROM stripe_subscriptions WHERE subscription_id = 'sub_test0001'
            """));
    }

    [Fact]
    public async Task The_user_id_in_subscription_metadata_honours_the_configured_key()
    {
        await using var server = await WebhookTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Billing__UserIdMetadataKey"] = "account" });
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_created", T0, userId: "acct_9", userIdKey: "account"));
        Assert.Equal(("pro", "active"), Pair(await ReadAsync(server, "acct_9")));
    }

    [Fact]
    public async Task A_data_object_that_is_not_a_subscription_fails_the_event_and_changes_nothing()
    {
        await using var server = await WebhookTestServer.StartAsync();
        var stripeEvent = Subscription("customer.subscription.updated", "evt_broken", T0);
        stripeEvent["data"]!["object"]!.AsObject().Remove("id");

        using var response = await server.PostSignedAsync(stripeEvent);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM stripe_subscriptions"));
        Assert.Contains("has no id", await server.ScalarAsync<string>("SELECT last_error FROM stripe_event_failures"), StringComparison.Ordinal);
    }
}
