using System.Net;
using Microsoft.Extensions.DependencyInjection;
using StripeWebhooks.Operations;
using StripeWebhooks.Tests.Support;
using static StripeWebhooks.Tests.Billing.BillingEvents;

namespace StripeWebhooks.Tests.Processing;

/// <summary><c>Stripe__Livemode</c>: an event of the other mode answers 200 and changes nothing (see #24).</summary>
public class LivemodeTests
{
    [Theory]
    [InlineData("true", true, true)]
    [InlineData("true", false, false)]
    [InlineData("false", true, false)]
    [InlineData("false", false, true)]
    [InlineData(null, true, true)]
    [InlineData(null, false, true)]
    public async Task An_event_is_applied_only_when_stripe_livemode_applies_its_mode(string? setting, bool eventLivemode, bool applied)
    {
        await using var server = await WebhookTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Stripe__Livemode"] = setting });
        // One that grants a tier (a subscription row and an entitlement.changed message), one that fails (a ledger row).
        var granting = Subscription("customer.subscription.created", "evt_mode_granting", T0, userId: "user_1");
        var failing = Subscription("customer.subscription.created", "evt_mode_failing", T0, subscriptionId: "sub_test0002", priceId: "price_unmapped", userId: "user_2");
        granting["livemode"] = eventLivemode;
        failing["livemode"] = eventLivemode;

        using var granted = await server.PostSignedAsync(granting);
        using var failed = await server.PostSignedAsync(failing);

        if (applied)
        {
            Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
            Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM stripe_subscriptions"));
            Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM stripe_outbox"));
            Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM stripe_event_failures"));
            return;
        }

        foreach (var (response, eventId) in new[] { (granted, "evt_mode_granting"), (failed, "evt_mode_failing") })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = await JsonBody.ReadAsync(response);
            Assert.Equal(eventId, json.GetProperty("eventId").GetString());
            Assert.False(json.GetProperty("duplicate").GetBoolean());
            Assert.Equal("livemode", json.GetProperty("ignored").GetString());
        }

        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM stripe_subscriptions"));
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM stripe_outbox"));
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM stripe_event_failures"));
        // Not even the claim: should the setting change, Stripe's next delivery of the event is applied.
        Assert.Equal(0L, await server.CountAllRowsAsync());
    }

    [Fact]
    public async Task Replay_does_not_apply_a_failed_event_of_the_mode_no_longer_applied()
    {
        var connectionString = await TestDatabase.CreateAsync();
        var failing = Subscription("customer.subscription.created", "evt_mode_replayed", T0, priceId: "price_unmapped", userId: "user_1");
        failing["livemode"] = false;
        await using (var both = await WebhookTestServer.StartAsync(connectionString: connectionString))
        {
            using var response = await both.PostSignedAsync(failing);
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        }

        // The price is mapped now, and the endpoint has become a live one.
        var live = new Dictionary<string, string?> { ["Stripe__Livemode"] = "true", ["Billing__Prices__price_unmapped"] = "team" };
        await using var server = await WebhookTestServer.StartAsync(settings: live, connectionString: connectionString);
        var result = await server.Services.GetRequiredService<EventReplayer>().ReplayAsync("evt_mode_replayed", dryRun: false, CancellationToken.None);

        Assert.Equal(ReplayOutcome.IgnoredLivemode, result.Outcome);
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM stripe_subscriptions"));
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM processed_stripe_events"));
        Assert.True(await server.ScalarAsync<bool>("SELECT resolved_at IS NULL FROM stripe_event_failures WHERE event_id = 'evt_mode_replayed'"));
    }
}
