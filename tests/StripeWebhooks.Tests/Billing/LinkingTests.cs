using System.Net;
using StripeWebhooks.Tests.Support;
using static StripeWebhooks.Tests.Billing.BillingEvents;
using static StripeWebhooks.Tests.Billing.Entitlement;

namespace StripeWebhooks.Tests.Billing;

/// <summary>Customer and user are linked by whichever of checkout session and subscription events arrives last.</summary>
public class LinkingTests
{
    [Fact]
    public async Task Checkout_before_its_subscription_events_ends_with_the_user_linked()
    {
        await using var server = await WebhookTestServer.StartAsync();
        await DeliverAsync(server, CheckoutCompleted("evt_checkout", T0 + 2, clientReferenceId: "user_42"));
        // Known but not yet described by Stripe: the user is on the default tier, status unknown.
        Assert.Equal(("free", null), Pair(await ReadAsync(server, "user_42")));

        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_created", T0));

        Assert.Equal(new Entitlement("pro", "active", At(T0 + (30 * Day)), false, "sub_test0001"), await ReadAsync(server, "user_42"));
    }

    [Fact]
    public async Task Subscription_events_before_the_checkout_end_with_the_user_linked()
    {
        await using var server = await WebhookTestServer.StartAsync();
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_created", T0));
        await DeliverAsync(server, Invoice("invoice.paid", "evt_paid", T0 + 1));
        Assert.Null(await ReadAsync(server, "user_42"));

        await DeliverAsync(server, CheckoutCompleted("evt_checkout", T0 + 2, clientReferenceId: "user_42"));

        Assert.Equal(("pro", "active"), Pair(await ReadAsync(server, "user_42")));
        Assert.Equal("user_42", await server.ScalarAsync<string>("SELECT user_id FROM stripe_customers WHERE customer_id = 'cus_test0001'"));
    }

    [Fact]
    public async Task Later_subscriptions_of_a_linked_customer_belong_to_the_same_user()
    {
        await using var server = await WebhookTestServer.StartAsync();
        await DeliverAsync(server, CheckoutCompleted("evt_checkout", T0, clientReferenceId: "user_42"));
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_first", T0, userId: null));
        await DeliverAsync(server, Subscription("customer.subscription.deleted", "evt_first_deleted", T0 + Day));
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_second", T0 + (2 * Day), subscriptionId: "sub_test0002"));

        Assert.Equal(("pro", "active"), Pair(await ReadAsync(server, "user_42")));
        Assert.Equal("sub_test0002", (await ReadAsync(server, "user_42"))!.StripeSubscriptionId);
    }

    [Fact]
    public async Task An_older_checkout_never_relinks_a_customer()
    {
        await using var server = await WebhookTestServer.StartAsync();
        await DeliverAsync(server, CheckoutCompleted("evt_newer", T0 + 60, clientReferenceId: "user_new"));
        await DeliverAsync(server, CheckoutCompleted("evt_older", T0, clientReferenceId: "user_old"));

        Assert.Equal("user_new", await server.ScalarAsync<string>("SELECT user_id FROM stripe_customers"));
    }

    [Fact]
    public async Task Checkout_subscription_and_invoice_events_delivered_at_once_all_commit_and_link()
    {
        await using var server = await WebhookTestServer.StartAsync();
        // Ten customers, each with its three events in flight together: no deadlock, no lost link.
        var events = Enumerable.Range(0, 10).SelectMany(i => new[]
        {
            CheckoutCompleted($"evt_checkout_{i}", T0 + 2, subscriptionId: $"sub_{i}", customerId: $"cus_{i}", clientReferenceId: $"user_{i}"),
            Subscription("customer.subscription.created", $"evt_created_{i}", T0, subscriptionId: $"sub_{i}", customerId: $"cus_{i}", userId: $"user_{i}"),
            Invoice("invoice.paid", $"evt_paid_{i}", T0 + 1, subscriptionId: $"sub_{i}", customerId: $"cus_{i}"),
        });

        var responses = await Task.WhenAll(events.Select(e => server.PostSignedAsync(e)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(("pro", "active"), Pair(await ReadAsync(server, $"user_{i}")));
        }

        foreach (var response in responses)
        {
            response.Dispose();
        }
    }
}
