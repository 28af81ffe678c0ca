using StripeWebhooks.Tests.Support;
using static StripeWebhooks.Tests.Billing.BillingEvents;
using static StripeWebhooks.Tests.Billing.Entitlement;

namespace StripeWebhooks.Tests.Billing;

/// <summary>The <c>entitlements</c> view: one row per user, from their most relevant subscription.</summary>
public class EntitlementsViewTests
{
    [Theory]
    [InlineData("active", "pro")]
    [InlineData("trialing", "pro")]
    [InlineData("past_due", "pro")]
    [InlineData("incomplete", "free")]
    [InlineData("incomplete_expired", "free")]
    [InlineData("unpaid", "free")]
    [InlineData("paused", "free")]
    [InlineData("canceled", "free")]
    public async Task Only_active_trialing_and_past_due_grant_the_price_tier(string status, string tier)
    {
        await using var server = await WebhookTestServer.StartAsync();
        await DeliverAsync(server, Subscription("customer.subscription.updated", "evt_updated", T0, status: status, userId: "user_1"));
        Assert.Equal((tier, status), Pair(await ReadAsync(server, "user_1")));
    }

    [Theory]
    [InlineData("sub_active", "active", "trialing", "past_due", "canceled")]
    [InlineData("sub_trialing", "incomplete", "trialing", "past_due", "canceled")]
    [InlineData("sub_past_due", "incomplete", "unpaid", "past_due", "canceled")]
    public async Task A_user_with_several_subscriptions_sees_the_most_relevant_one(string expected, params string[] statuses)
    {
        await using var server = await WebhookTestServer.StartAsync();
        var names = new[] { "sub_active", "sub_trialing", "sub_past_due", "sub_other" };
        for (var i = 0; i < statuses.Length; i++)
        {
            // The less relevant, the later its period ends: relevance must beat the period end.
            var subscriptionId = statuses[i] switch { "active" => names[0], "trialing" => names[1], "past_due" => names[2], _ => names[3] + i };
            await DeliverAsync(server, Subscription("customer.subscription.updated", $"evt_{i}", T0, subscriptionId: subscriptionId,
                status: statuses[i], periodEnd: T0 + ((10 + i) * Day), userId: "user_1"));
        }

        Assert.Equal(expected, (await ReadAsync(server, "user_1"))!.StripeSubscriptionId);
    }

    [Fact]
    public async Task Among_equally_relevant_subscriptions_the_latest_period_end_wins()
    {
        await using var server = await WebhookTestServer.StartAsync();
        await DeliverAsync(server, Subscription("customer.subscription.updated", "evt_1", T0, subscriptionId: "sub_ends_later", periodEnd: T0 + (40 * Day), userId: "user_1"));
        await DeliverAsync(server, Subscription("customer.subscription.updated", "evt_2", T0, subscriptionId: "sub_ends_sooner", periodEnd: T0 + (20 * Day), userId: "user_1"));

        Assert.Equal("sub_ends_later", (await ReadAsync(server, "user_1"))!.StripeSubscriptionId);
    }

    [Fact]
    public async Task The_default_tier_is_stored_at_start_up_and_follows_the_configuration()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using (var server = await WebhookTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Billing__DefaultTier"] = "basic" }, connectionString: connectionString))
        {
            await DeliverAsync(server, Subscription("customer.subscription.deleted", "evt_deleted", T0, userId: "user_1"));
            Assert.Equal("basic", (await ReadAsync(server, "user_1"))!.Tier);
        }

        await using var restarted = await WebhookTestServer.StartAsync(connectionString: connectionString);
        Assert.Equal("free", (await ReadAsync(restarted, "user_1"))!.Tier);
    }

    [Fact]
    public async Task Users_without_any_subscription_have_no_row()
    {
        await using var server = await WebhookTestServer.StartAsync();
        Assert.Null(await ReadAsync(server, "user_nobody"));
    }
}
