using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using StripeWebhooks.Development;
using StripeWebhooks.Operations;
using StripeWebhooks.Tests.Support;
using static StripeWebhooks.Tests.Billing.BillingEvents;
using static StripeWebhooks.Tests.Billing.Entitlement;

namespace StripeWebhooks.Tests.Outbox;

/// <summary>Duplicates, reordering and replay against the chain of entitlement.changed messages.</summary>
public class EntitlementChainTests
{
    private static List<JsonObject> Lifecycle() =>
    [
        CheckoutCompleted("evt_checkout", T0, clientReferenceId: "user_1"),
        Subscription("customer.subscription.created", "evt_created", T0 + 1, status: "trialing", priceId: "price_test_basic"),
        Subscription("customer.subscription.updated", "evt_active", T0 + 10, priceId: "price_test_basic"),
        Subscription("customer.subscription.updated", "evt_upgrade", T0 + 20, priceId: TestPrices.Pro),
        Invoice("invoice.payment_failed", "evt_failed", T0 + 30),
        Invoice("invoice.paid", "evt_paid", T0 + 40),
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Any_delivery_order_with_concurrent_duplicates_writes_a_chain_that_ends_at_the_view(int seed)
    {
        await using var server = await WebhookTestServer.StartAsync(settings: TwoPrices);
        var events = Lifecycle();
        new Random(seed).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(events));
        foreach (var stripeEvent in events)
        {
            var (statuses, duplicates) = await server.PostConcurrentlyAsync(SampleEvents.ToBytes(stripeEvent), times: 3);
            Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
            Assert.Equal(2, duplicates);
        }

        Assert.Equal(("pro", "active"), Pair(await ReadAsync(server, "user_1")));
        var messages = await EntitlementMessages.AssertChainAsync(server, "user_1");
        Assert.NotEmpty(messages);
        Assert.Equal(messages.Count, messages.Select(m => m.EventId).Distinct().Count());
    }

    [Fact]
    public async Task A_parked_event_replayed_writes_its_message_once()
    {
        var failing = new FailingHandler(failures: 3, "customer.subscription.updated");
        await using var server = await WebhookTestServer.StartWithHandlersAsync(new Dictionary<string, string?> { ["Webhooks__MaxAttempts"] = "3" }, failing);
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_created", T0, userId: "user_1", status: "trialing"));
        var update = Subscription("customer.subscription.updated", "evt_replay", T0 + 10, userId: "user_1");
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var response = await server.PostSignedAsync(update);
        }

        Assert.Single(await EntitlementMessages.AssertChainAsync(server, "user_1"));
        var replayer = server.Services.GetRequiredService<EventReplayer>();
        Assert.Equal(ReplayOutcome.Replayed, (await replayer.ReplayAsync("evt_replay", dryRun: false, CancellationToken.None)).Outcome);
        await replayer.ReplayAsync("evt_replay", dryRun: false, CancellationToken.None);
        using (var redelivery = await server.PostSignedAsync(update))
        {
            Assert.Equal(HttpStatusCode.OK, redelivery.StatusCode);
        }

        var messages = await EntitlementMessages.AssertChainAsync(server, "user_1");
        Assert.Equal(["evt_created", "evt_replay"], messages.Select(m => m.EventId));
        Assert.Equal(("pro", (string?)"active"), messages[1].Current);
    }

    [Fact]
    public async Task Two_subscriptions_of_one_user_changed_concurrently_chain_and_end_at_the_view()
    {
        await using var server = await WebhookTestServer.StartAsync(settings: TwoPrices);
        var events = Enumerable.Range(0, 12).Select(i => Subscription("customer.subscription.updated", $"evt_{i:D2}", T0 + i,
            subscriptionId: i % 2 == 0 ? "sub_a" : "sub_b", customerId: i % 2 == 0 ? "cus_a" : "cus_b",
            priceId: i % 4 < 2 ? "price_test_basic" : TestPrices.Pro, status: i % 3 == 0 ? "past_due" : "active", userId: "user_1"));

        var responses = await Task.WhenAll(events.Select(e => server.PostSignedAsync(e)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await EntitlementMessages.AssertChainAsync(server, "user_1");
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }
}
