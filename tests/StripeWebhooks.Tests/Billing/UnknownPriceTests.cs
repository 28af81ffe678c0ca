using System.Net;
using StripeWebhooks.Development;
using StripeWebhooks.Tests.Support;
using static StripeWebhooks.Tests.Billing.BillingEvents;
using static StripeWebhooks.Tests.Billing.Entitlement;

namespace StripeWebhooks.Tests.Billing;

/// <summary>A price missing from <c>Billing__Prices</c> is an error of the event: recorded, retried, recoverable.</summary>
public class UnknownPriceTests
{
    [Fact]
    public async Task An_unknown_price_fails_the_event_and_the_redelivery_applies_it_once_configured()
    {
        var connectionString = await TestDatabase.CreateAsync();
        var body = SampleEvents.ToBytes(Subscription("customer.subscription.created", "evt_new_price", T0, priceId: "price_test_team", userId: "user_1"));

        await using (var before = await WebhookTestServer.StartAsync(connectionString: connectionString))
        {
            using var failed = await before.PostSignedAsync(body);
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
            Assert.Equal("processing_failed", await JsonBody.ErrorAsync(failed));
            Assert.Contains("Billing__Prices__price_test_team", await before.ScalarAsync<string>(
                "SELECT last_error FROM stripe_event_failures WHERE event_id = 'evt_new_price' AND resolved_at IS NULL"), StringComparison.Ordinal);
            Assert.Equal(0L, await before.ScalarAsync<long>("SELECT count(*) FROM processed_stripe_events"));
            Assert.Equal(0L, await before.ScalarAsync<long>("SELECT count(*) FROM stripe_subscriptions"));
            Assert.Equal(0L, await before.ScalarAsync<long>("SELECT count(*) FROM stripe_customers"));
            Assert.Null(await ReadAsync(before, "user_1"));
        }

        // The operator maps the price and restarts; Stripe's next retry delivers the same event again.
        var configured = new Dictionary<string, string?>
        {
            ["Billing__Prices__" + TestPrices.Pro] = "pro",
            ["Billing__Prices__price_test_team"] = "team",
        };
        await using var after = await WebhookTestServer.StartAsync(settings: configured, connectionString: connectionString);
        using var retried = await after.PostSignedAsync(body);

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(("team", "active"), Pair(await ReadAsync(after, "user_1")));
        Assert.True(await after.ScalarAsync<bool>("SELECT resolved_at IS NOT NULL FROM stripe_event_failures WHERE event_id = 'evt_new_price'"));
    }

    [Fact]
    public async Task Prices_are_matched_ignoring_case_like_the_configuration_keys()
    {
        await using var server = await WebhookTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Billing__Prices__PRICE_Test_Team"] = "team" });
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_created", T0, priceId: "price_test_team", userId: "user_1"));
        Assert.Equal("team", (await ReadAsync(server, "user_1"))!.Tier);
    }

    [Fact]
    public async Task A_subscription_that_no_longer_grants_access_is_downgraded_even_on_an_unmapped_price()
    {
        await using var server = await WebhookTestServer.StartAsync();
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_created", T0, userId: "user_1"));
        await DeliverAsync(server, Subscription("customer.subscription.deleted", "evt_deleted", T0 + 60, priceId: "price_retired", userId: "user_1"));

        Assert.Equal(("free", "canceled"), Pair(await ReadAsync(server, "user_1")));
    }
}
