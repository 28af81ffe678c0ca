using System.Net;
using StripeWebhooks.Development;
using StripeWebhooks.Tests.Support;
using static StripeWebhooks.Tests.Billing.BillingEvents;
using static StripeWebhooks.Tests.Billing.Entitlement;

namespace StripeWebhooks.Tests.Billing;

/// <summary>Out-of-order, same-second and concurrent deliveries against the watermark, on a real Postgres.</summary>
public class OrderingTests
{
    [Theory]
    [InlineData(Basil)]
    [InlineData(Legacy)]
    public async Task Newer_updated_then_older_created_keeps_the_newer_state(string apiVersion)
    {
        await using var server = await WebhookTestServer.StartAsync(settings: TwoPrices);
        await DeliverAsync(server, Subscription("customer.subscription.updated", "evt_newer", T0 + 60, apiVersion,
            priceId: "price_test_basic", periodEnd: T0 + (60 * Day), cancelAtPeriodEnd: true, userId: "user_1"));
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_older", T0, apiVersion,
            status: "incomplete", periodEnd: T0 + (30 * Day), userId: "user_1"));

        Assert.Equal(new Entitlement("basic", "active", At(T0 + (60 * Day)), true, "sub_test0001"), await ReadAsync(server, "user_1"));
        Assert.Equal("evt_newer", await server.ScalarAsync<string>("SELECT last_event_id FROM stripe_subscriptions"));
        Assert.Equal(2L, await server.ScalarAsync<long>("SELECT count(*) FROM processed_stripe_events"));
    }

    [Theory]
    [InlineData(Basil)]
    [InlineData(Legacy)]
    public async Task A_newer_invoice_then_late_subscription_events_ends_with_the_newest_subscription_events_price(string apiVersion)
    {
        await using var server = await WebhookTestServer.StartAsync(settings: TwoPrices);
        await DeliverAsync(server, CheckoutCompleted("evt_checkout", T0, apiVersion, clientReferenceId: "user_1"));
        await DeliverAsync(server, Invoice("invoice.payment_failed", "evt_payment_failed", T0 + 3, apiVersion));
        await DeliverAsync(server, Subscription("customer.subscription.updated", "evt_upgrade", T0 + 2, apiVersion, priceId: TestPrices.Pro));
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_created", T0 + 1, apiVersion, priceId: "price_test_basic"));

        var entitlement = await ReadAsync(server, "user_1");
        Assert.Equal(("pro", "past_due"), (entitlement!.Tier, entitlement.Status));
        Assert.Equal("evt_payment_failed", await server.ScalarAsync<string>("SELECT last_event_id FROM stripe_subscriptions"));
    }

    [Theory]
    [InlineData(Basil)]
    [InlineData(Legacy)]
    public async Task Deleted_then_a_late_updated_keeps_the_user_on_the_default_tier(string apiVersion)
    {
        await using var server = await WebhookTestServer.StartAsync();
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_created", T0, apiVersion, userId: "user_1"));
        await DeliverAsync(server, Subscription("customer.subscription.deleted", "evt_deleted", T0 + 120, apiVersion, userId: "user_1"));
        await DeliverAsync(server, Subscription("customer.subscription.updated", "evt_late", T0 + 60, apiVersion, userId: "user_1"));

        Assert.Equal(("free", "canceled"), Pair(await ReadAsync(server, "user_1")));
        Assert.Equal("evt_deleted", await server.ScalarAsync<string>("SELECT last_event_id FROM stripe_subscriptions"));
    }

    // Equal `created` (Stripe's timestamps have one-second resolution): the status further along Stripe's
    // lifecycle wins whatever the delivery order; see EntitlementStore.LifecycleRank.
    [Theory]
    [InlineData("incomplete", "active", "active")]
    [InlineData("active", "incomplete", "active")]
    [InlineData("trialing", "active", "active")]
    [InlineData("active", "trialing", "active")]
    [InlineData("active", "past_due", "past_due")]
    [InlineData("past_due", "active", "past_due")]
    [InlineData("canceled", "active", "canceled")]
    [InlineData("active", "canceled", "canceled")]
    public async Task Same_second_events_settle_on_the_later_lifecycle_stage_in_either_order(string first, string second, string expected)
    {
        await using var server = await WebhookTestServer.StartAsync();
        await DeliverAsync(server, Subscription("customer.subscription.updated", "evt_first", T0, status: first, userId: "user_1"));
        await DeliverAsync(server, Subscription("customer.subscription.updated", "evt_second", T0, status: second, userId: "user_1"));

        Assert.Equal(expected, (await ReadAsync(server, "user_1"))!.Status);
    }

    [Fact]
    public async Task Same_second_events_at_the_same_stage_let_the_later_delivery_win()
    {
        await using var server = await WebhookTestServer.StartAsync(settings: TwoPrices);
        await DeliverAsync(server, Subscription("customer.subscription.updated", "evt_first", T0, userId: "user_1"));
        await DeliverAsync(server, Subscription("customer.subscription.updated", "evt_second", T0, priceId: "price_test_basic", userId: "user_1"));

        Assert.Equal("basic", (await ReadAsync(server, "user_1"))!.Tier);
        Assert.Equal("evt_second", await server.ScalarAsync<string>("SELECT last_event_id FROM stripe_subscriptions"));
    }

    [Fact]
    public async Task Twenty_concurrent_deliveries_of_one_event_change_the_row_once()
    {
        var counter = new RecordingHandler("customer.subscription.updated");
        await using var server = await WebhookTestServer.StartWithHandlersAsync(settings: null, counter);
        var body = SampleEvents.ToBytes(Subscription("customer.subscription.updated", "evt_twenty", T0, userId: "user_1"));

        var (statuses, duplicates) = await server.PostConcurrentlyAsync(body, 20);

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(19, duplicates);
        Assert.Equal(1, counter.Invocations);
        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM test_side_effects WHERE event_id = 'evt_twenty'"));
        Assert.Equal("evt_twenty", await server.ScalarAsync<string>("SELECT last_event_id FROM stripe_subscriptions"));
        Assert.Equal(T0, await server.ScalarAsync<long>("SELECT extract(epoch FROM last_event_created)::bigint FROM stripe_subscriptions"));
        Assert.Equal(1, await server.ScalarAsync<int>("SELECT revision FROM stripe_subscriptions"));
    }

    [Fact]
    public async Task Concurrent_events_for_one_subscription_end_on_the_newest()
    {
        await using var server = await WebhookTestServer.StartAsync();
        // Twenty distinct events, one minute apart, delivered all at once in a scrambled order.
        var events = Enumerable.Range(0, 20)
            .Select(i => Subscription("customer.subscription.updated", $"evt_race_{i:00}", T0 + (60 * i), periodEnd: T0 + (i * Day), userId: "user_1"))
            .OrderBy(e => ((string)e["id"]!).GetHashCode(StringComparison.Ordinal))
            .Select(SampleEvents.ToBytes)
            .ToList();

        var responses = await Task.WhenAll(events.Select(body => server.PostSignedAsync(body)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal("evt_race_19", await server.ScalarAsync<string>("SELECT last_event_id FROM stripe_subscriptions"));
        Assert.Equal(At(T0 + (19 * Day)), (await ReadAsync(server, "user_1"))!.CurrentPeriodEnd);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Theory]
    [InlineData(Basil)]
    [InlineData(Legacy)]
    public async Task A_late_paid_invoice_never_revives_a_canceled_subscription(string apiVersion)
    {
        await using var server = await WebhookTestServer.StartAsync();
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_created", T0, apiVersion, userId: "user_1"));
        await DeliverAsync(server, Subscription("customer.subscription.deleted", "evt_deleted", T0 + 60, apiVersion, userId: "user_1"));
        await DeliverAsync(server, Invoice("invoice.paid", "evt_paid_late", T0 + Day, apiVersion));

        Assert.Equal(("free", "canceled"), Pair(await ReadAsync(server, "user_1")));
    }

    [Fact]
    public async Task The_paid_zero_invoice_that_starts_a_trial_does_not_end_it()
    {
        await using var server = await WebhookTestServer.StartAsync();
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_created", T0, status: "trialing", userId: "user_1"));
        await DeliverAsync(server, Invoice("invoice.paid", "evt_trial_invoice", T0 + 1));

        Assert.Equal(("pro", "trialing"), Pair(await ReadAsync(server, "user_1")));
    }

    [Fact]
    public async Task A_failed_first_payment_leaves_an_incomplete_subscription_incomplete()
    {
        await using var server = await WebhookTestServer.StartAsync();
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_created", T0, status: "incomplete", userId: "user_1"));
        await DeliverAsync(server, Invoice("invoice.payment_failed", "evt_failed", T0 + 1));

        Assert.Equal(("free", "incomplete"), Pair(await ReadAsync(server, "user_1")));
    }

    [Theory]
    [InlineData(Basil)]
    [InlineData(Legacy)]
    public async Task An_invoice_before_its_subscription_event_creates_the_row_and_the_older_event_fills_in_the_tier(string apiVersion)
    {
        await using var server = await WebhookTestServer.StartAsync();
        await DeliverAsync(server, Invoice("invoice.payment_failed", "evt_failed", T0 + Day, apiVersion));
        Assert.Equal("past_due", await server.ScalarAsync<string>("SELECT status FROM stripe_subscriptions"));

        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_created", T0, apiVersion, userId: "user_1"));

        Assert.Equal(new Entitlement("pro", "past_due", At(T0 + (30 * Day)), false, "sub_test0001"), await ReadAsync(server, "user_1"));
        Assert.Equal("evt_failed", await server.ScalarAsync<string>("SELECT last_event_id FROM stripe_subscriptions"));
    }
}
