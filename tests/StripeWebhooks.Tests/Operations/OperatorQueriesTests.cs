using System.Net;
using Microsoft.Extensions.DependencyInjection;
using StripeWebhooks.Operations;
using StripeWebhooks.Tests.Support;
using static StripeWebhooks.Tests.Billing.BillingEvents;

namespace StripeWebhooks.Tests.Operations;

/// <summary>The operator queries map every column of a populated row onto their records (Dapper, by column alias).</summary>
public class OperatorQueriesTests
{
    [Fact]
    public async Task Entitlements_and_stats_read_every_column_of_populated_rows()
    {
        await using var server = await WebhookTestServer.StartAsync(settings: TwoPrices);
        using (var checkout = await server.PostSignedAsync(CheckoutCompleted("evt_ops_checkout", T0, clientReferenceId: "user_ops")))
        {
            Assert.Equal(HttpStatusCode.OK, checkout.StatusCode);
        }

        using (var subscription = await server.PostSignedAsync(Subscription("customer.subscription.created", "evt_ops_subscription", T0 + 1, cancelAtPeriodEnd: true)))
        {
            Assert.Equal(HttpStatusCode.OK, subscription.StatusCode);
        }

        await server.ScalarAsync<int>("INSERT INTO purge_runs (started_at, cutoff, deleted) VALUES (now(), now(), 7) RETURNING 0");
        var entitlements = server.Services.GetRequiredService<EntitlementQueries>();

        var row = Assert.Single(await entitlements.ListAsync("user_ops", CancellationToken.None));
        var stats = await server.Services.GetRequiredService<WebhookStatisticsQuery>().ReadAsync(CancellationToken.None);

        Assert.Equal(("user_ops", "pro", "active", true, "sub_test0001"), (row.UserId, row.Tier, row.Status, row.CancelAtPeriodEnd, row.SubscriptionId));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(T0 + 1 + (30 * Day)).UtcDateTime, row.CurrentPeriodEnd);
        Assert.Equal(["user_ops"], (await entitlements.ListAsync(null, CancellationToken.None)).Select(e => e.UserId));
        Assert.Empty(await entitlements.ListAsync("user_nobody", CancellationToken.None));
        Assert.Equal("free", await entitlements.DefaultTierAsync(CancellationToken.None));
        Assert.Equal((2L, 7L, 30), (stats.ClaimsTotal, stats.LastPurgeDeleted, stats.RetentionDays));
        Assert.NotNull(stats.LastPurgeAt);
        Assert.NotNull(stats.OldestClaimAge);
    }
}
