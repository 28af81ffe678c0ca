using System.Net;
using System.Text;
using Npgsql;
using StripeWebhooks.Development;
using StripeWebhooks.Tests.Support;
using static StripeWebhooks.Tests.Billing.BillingEvents;

namespace StripeWebhooks.Tests.Cli;

/// <summary>#24's edges through `webhooks serve` over HTTP: Stripe__Livemode, and signed input that used to crash the request.</summary>
public sealed class ServeEdgeTests
{
    private const string Secret = "whsec_serve_edges_0c7d5e2a91b4";

    [Fact]
    public async Task Serve_with_stripe_livemode_true_acknowledges_a_test_event_applies_nothing_and_refuses_ids_stripe_never_sends()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using var serve = await ServeProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Webhooks"] = connectionString,
            ["Stripe__WebhookSecrets__0"] = Secret,
            ["Stripe__Livemode"] = "true",
            ["Billing__Prices__" + TestPrices.Pro] = "pro",
            ["Logging__LogLevel__StripeWebhooks"] = "Information",
        });
        var testMode = Subscription("customer.subscription.created", "evt_serve_test_mode", T0, subscriptionId: "sub_test_mode", userId: "user_test_mode");
        testMode["livemode"] = false;
        var liveMode = Subscription("customer.subscription.created", "evt_serve_live_mode", T0, subscriptionId: "sub_live_mode", userId: "user_live_mode");
        liveMode["livemode"] = true;

        using (var ignored = await serve.PostSignedAsync(SampleEvents.ToBytes(testMode), Secret))
        {
            Assert.Equal(HttpStatusCode.OK, ignored.StatusCode);
            Assert.Equal("livemode", (await JsonBody.ReadAsync(ignored)).GetProperty("ignored").GetString());
        }

        using (var applied = await serve.PostSignedAsync(SampleEvents.ToBytes(liveMode), Secret))
        {
            Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        }

        using (var nul = await serve.PostSignedAsync(SampleEvents.ToBytes(SampleEvents.Build("customer.created", "evt_bad_\u0000nul")), Secret))
        {
            Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
            Assert.Equal("malformed_event", await JsonBody.ErrorAsync(nul));
        }

        var hugeCreated = Encoding.UTF8.GetString(SampleEvents.ToBytes(SampleEvents.Build("customer.created", "evt_serve_huge_created", created: 1234567)))
            .Replace("\"created\":1234567", "\"created\":1000000000000000000000000000000", StringComparison.Ordinal);
        using (var huge = await serve.PostSignedAsync(Encoding.UTF8.GetBytes(hugeCreated), Secret))
        {
            Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
            Assert.Contains("\"created\"", (await JsonBody.ReadAsync(huge)).GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(0, await serve.TerminateAsync());
        Assert.Contains("Ignored evt_serve_test_mode (customer.subscription.created): ignored_livemode", serve.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Stripe__Livemode is not set", serve.Output, StringComparison.Ordinal);
        await using var database = NpgsqlDataSource.Create(connectionString);
        Assert.Equal(["sub_live_mode"], await StringsAsync(database, "SELECT subscription_id FROM stripe_subscriptions"));
        Assert.Equal(["evt_serve_live_mode"], await StringsAsync(database, "SELECT event_id FROM processed_stripe_events"));
        Assert.Equal(["evt_serve_live_mode"], await StringsAsync(database, "SELECT DISTINCT event_id FROM stripe_outbox"));
        Assert.Empty(await StringsAsync(database, "SELECT event_id FROM stripe_event_failures"));
    }

    [Fact]
    public async Task Serve_on_its_private_database_leaves_stripe_livemode_unset_says_so_once_and_applies_a_test_event()
    {
        await using var serve = await ServeProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Stripe__WebhookSecrets__0"] = Secret,
            ["Logging__LogLevel__StripeWebhooks"] = "Information",
        });
        var testMode = SampleEvents.Build("customer.subscription.updated", "evt_serve_unset_mode");

        using (var response = await serve.PostSignedAsync(SampleEvents.ToBytes(testMode), Secret))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False((await JsonBody.ReadAsync(response)).TryGetProperty("ignored", out _));
        }

        Assert.Equal(0, await serve.TerminateAsync());
        var notices = serve.Output.Split('\n').Where(l => l.Contains("Stripe__Livemode is not set: live and test events are both applied", StringComparison.Ordinal));
        Assert.Single(notices);
    }

    private static async Task<List<string>> StringsAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
