using System.Net;
using StripeWebhooks.Tests.Support;
using static StripeWebhooks.Tests.Billing.BillingEvents;
using static StripeWebhooks.Tests.Billing.Entitlement;

namespace StripeWebhooks.Tests.Outbox;

/// <summary>The built-in producer: one entitlement.changed per change of a user's row of the view, written with the claim.</summary>
public class EntitlementChangedTests
{
    [Fact]
    public async Task A_first_subscription_writes_one_message_from_the_default_tier_with_the_issues_payload()
    {
        await using var server = await WebhookTestServer.StartAsync();
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_first", T0, userId: "user_1"));

        var message = Assert.Single(await EntitlementMessages.AssertChainAsync(server, "user_1"));
        Assert.Equal("evt_first:entitlement.changed:user_1", message.Id);
        Assert.Equal(("free", (string?)null), message.Previous);
        Assert.Equal(("pro", (string?)"active"), message.Current);
        Assert.Equal("entitlement.changed", message.Payload.GetProperty("type").GetString());
        Assert.Equal("evt_first", message.Payload.GetProperty("eventId").GetString());
        Assert.Equal(T0, message.Payload.GetProperty("eventCreated").GetInt64());
        Assert.Equal("sub_test0001", message.Payload.GetProperty("stripeSubscriptionId").GetString());
        Assert.Equal("evt_first", await server.ScalarAsync<string>("SELECT event_id FROM stripe_outbox"));
    }

    [Fact]
    public async Task A_duplicate_an_older_event_and_an_update_that_keeps_tier_and_status_write_nothing()
    {
        await using var server = await WebhookTestServer.StartAsync();
        var created = Subscription("customer.subscription.created", "evt_created", T0, userId: "user_1");
        await DeliverAsync(server, created);
        await DeliverAsync(server, Subscription("customer.subscription.updated", "evt_newer", T0 + 60, userId: "user_1", cancelAtPeriodEnd: true));
        using (var duplicate = await server.PostSignedAsync(created))
        {
            Assert.Equal(HttpStatusCode.OK, duplicate.StatusCode);
        }

        await DeliverAsync(server, Subscription("customer.subscription.updated", "evt_older", T0 + 30, status: "past_due", userId: "user_1"));

        Assert.Single(await EntitlementMessages.AssertChainAsync(server, "user_1"));
        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM stripe_outbox"));
    }

    [Fact]
    public async Task A_user_linked_by_checkout_gets_no_message_until_the_subscription_changes_the_tier()
    {
        await using var server = await WebhookTestServer.StartAsync();
        await DeliverAsync(server, CheckoutCompleted("evt_checkout", T0, clientReferenceId: "user_1"));
        Assert.Empty(await EntitlementMessages.AssertChainAsync(server, "user_1"));

        await DeliverAsync(server, Invoice("invoice.paid", "evt_paid", T0 + 1));
        await DeliverAsync(server, Subscription("customer.subscription.updated", "evt_updated", T0 + 2));

        var messages = await EntitlementMessages.AssertChainAsync(server, "user_1");
        Assert.Equal(["evt_paid", "evt_updated"], messages.Select(m => m.EventId));
        Assert.Equal(("free", (string?)"active"), messages[0].Current);
        Assert.Equal(("pro", (string?)"active"), messages[1].Current);
    }

    [Fact]
    public async Task A_lifecycle_produces_the_chain_the_view_went_through()
    {
        await using var server = await WebhookTestServer.StartAsync(settings: TwoPrices);
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_1", T0, status: "trialing", priceId: "price_test_basic", userId: "user_1"));
        await DeliverAsync(server, Subscription("customer.subscription.updated", "evt_2", T0 + 10, status: "active", priceId: "price_test_basic", userId: "user_1"));
        await DeliverAsync(server, Subscription("customer.subscription.updated", "evt_3", T0 + 20, priceId: TestPrices.Pro, userId: "user_1"));
        await DeliverAsync(server, Invoice("invoice.payment_failed", "evt_4", T0 + 30));
        await DeliverAsync(server, Invoice("invoice.paid", "evt_5", T0 + 40));
        await DeliverAsync(server, Subscription("customer.subscription.deleted", "evt_6", T0 + 50, userId: "user_1"));

        var messages = await EntitlementMessages.AssertChainAsync(server, "user_1");
        Assert.Equal(
            [("basic", "trialing"), ("basic", "active"), ("pro", "active"), ("pro", "past_due"), ("pro", "active"), ("free", "canceled")],
            messages.Select(m => (m.Current.Tier, m.Current.Status)).ToList<(string, string?)>());
    }
}
