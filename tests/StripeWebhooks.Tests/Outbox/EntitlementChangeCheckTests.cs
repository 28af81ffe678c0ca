using System.Net;
using Npgsql;
using StripeWebhooks.Tests.Support;
using static StripeWebhooks.Tests.Billing.BillingEvents;
using static StripeWebhooks.Tests.Billing.Entitlement;

namespace StripeWebhooks.Tests.Outbox;

/// <summary>
/// entitlement.changed costs nothing when nothing changes (#22): the producer looks users up, locks and announces only
/// for an event whose writes changed a subscription's entitlement or linked a customer, judged on the locked row.
/// </summary>
public class EntitlementChangeCheckTests
{
    [Fact]
    public async Task An_event_that_changes_nothing_does_not_touch_the_announcements_and_one_that_changes_something_does()
    {
        await using var server = await WebhookTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Webhooks__LockTimeoutSeconds"] = "1" });
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_created", T0, userId: "user_1"));

        // Another session holds the user's announcement row, as a concurrent announcement would.
        await using (var holder = await server.DataSource.OpenConnectionAsync())
        await using (var held = await holder.BeginTransactionAsync())
        {
            await using (var hold = new NpgsqlCommand("SELECT 1 FROM stripe_entitlement_announcements WHERE user_id = 'user_1' FOR UPDATE", holder, held))
            {
                Assert.Equal(1, await hold.ExecuteScalarAsync());
            }

            // Same tier, status, user, customer and period end: applied (cancel_at_period_end) without waiting on the row.
            await DeliverAsync(server, Subscription("customer.subscription.updated", "evt_same", T0 + 60, periodEnd: T0 + (30 * Day),
                userId: "user_1", cancelAtPeriodEnd: true));
            Assert.True(await server.ScalarAsync<bool>("SELECT cancel_at_period_end FROM stripe_subscriptions WHERE subscription_id = 'sub_test0001'"));

            // A status change must announce, so it waits on the row (and gives up after the lock timeout).
            using var changing = await server.PostSignedAsync(Subscription("customer.subscription.updated", "evt_past_due", T0 + 90, status: "past_due", userId: "user_1"));
            Assert.NotEqual(HttpStatusCode.OK, changing.StatusCode);
            await held.RollbackAsync();
        }

        await DeliverAsync(server, Subscription("customer.subscription.updated", "evt_past_due", T0 + 90, status: "past_due", userId: "user_1"));
        var messages = await EntitlementMessages.AssertChainAsync(server, "user_1");
        Assert.Equal(["evt_created", "evt_past_due"], messages.Select(m => m.EventId));
    }

    [Fact]
    public async Task An_event_that_waited_on_a_concurrent_change_of_its_subscription_is_judged_against_that_change()
    {
        // Registered after the built-in writer: the writer's statements (and their locks) are sent before it blocks.
        var blocking = new BlockingHandler("customer.subscription.updated");
        var settings = TwoPrices;
        await using var server = await WebhookTestServer.StartWithHandlersAsync(settings, blocking);
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_0", T0, userId: "user_1"));

        // evt_1 moves the subscription to basic and holds its row; evt_2, which moves it back to pro, starts meanwhile.
        // Against its statement's snapshot (still pro) evt_2 would change nothing; against the row it locks, it does.
        var first = server.PostSignedAsync(Subscription("customer.subscription.updated", "evt_1", T0 + 10, priceId: "price_test_basic"));
        await blocking.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var second = server.PostSignedAsync(Subscription("customer.subscription.updated", "evt_2", T0 + 20));
        await WaitForLockWaitAsync(server);
        blocking.Release.TrySetResult();

        using (var firstResponse = await first)
        using (var secondResponse = await second)
        {
            Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
            Assert.Equal(HttpStatusCode.OK, secondResponse.StatusCode);
        }

        var messages = await EntitlementMessages.AssertChainAsync(server, "user_1");
        Assert.Equal([("pro", "active"), ("basic", "active"), ("pro", "active")], messages.Select(m => (m.Current.Tier, m.Current.Status)).ToList<(string, string?)>());
    }

    [Fact]
    public async Task A_period_end_that_makes_another_subscription_the_users_row_is_announced()
    {
        await using var server = await WebhookTestServer.StartAsync(settings: TwoPrices);
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_a", T0, subscriptionId: "sub_a", customerId: "cus_a",
            periodEnd: T0 + (30 * Day), userId: "user_1"));
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_b", T0 + 1, subscriptionId: "sub_b", customerId: "cus_b",
            priceId: "price_test_basic", periodEnd: T0 + (10 * Day), userId: "user_1"));

        // Only sub_b's period end moves, past sub_a's: the user's row now shows sub_b.
        await DeliverAsync(server, Subscription("customer.subscription.updated", "evt_b_renewed", T0 + 2, subscriptionId: "sub_b", customerId: "cus_b",
            priceId: "price_test_basic", periodEnd: T0 + (60 * Day), userId: "user_1"));

        var messages = await EntitlementMessages.AssertChainAsync(server, "user_1");
        Assert.Equal(["evt_a", "evt_b_renewed"], messages.Select(m => m.EventId));
        Assert.Equal(("basic", (string?)"active"), messages[^1].Current);
    }

    private static async Task WaitForLockWaitAsync(WebhookTestServer server)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await server.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") > 0)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("the second event never waited on the first one's locks");
    }
}
