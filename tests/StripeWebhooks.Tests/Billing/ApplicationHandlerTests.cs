using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeWebhooks.Development;
using StripeWebhooks.Processing;
using StripeWebhooks.Tests.Support;
using static StripeWebhooks.Tests.Billing.BillingEvents;
using static StripeWebhooks.Tests.Billing.Entitlement;

namespace StripeWebhooks.Tests.Billing;

/// <summary>An application's own handler (docs/handlers.md) shares the claim's transaction with the built-in ones.</summary>
public class ApplicationHandlerTests
{
    private static async Task<string> DatabaseWithQuotaTableAsync()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await RecordingHandler.CreateTableAsync(connectionString);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(QuotaGrantHandler.CreateTableSql);
        await command.ExecuteNonQueryAsync();
        return connectionString;
    }

    [Fact]
    public async Task An_application_handler_runs_once_per_event_however_often_it_is_delivered()
    {
        var connectionString = await DatabaseWithQuotaTableAsync();
        await using var server = await WebhookTestServer.StartAsync(s => s.AddStripeEventHandler<QuotaGrantHandler>(), connectionString: connectionString);
        var body = SampleEvents.ToBytes(Invoice("invoice.paid", "evt_quota", T0));

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => server.PostSignedAsync(body)));
        using var late = await server.PostSignedAsync(body);

        Assert.All(responses.Append(late), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1000L, await server.ScalarAsync<long>("SELECT sum(credits) FROM quota_grants"));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task A_throwing_application_handler_rolls_back_its_writes_the_built_in_ones_and_the_claim()
    {
        var connectionString = await DatabaseWithQuotaTableAsync();
        // Runs after the built-in invoice handler and the quota grant, and throws on the first attempt.
        var failsOnce = new FailingHandler(failures: 1, "invoice.paid");
        await using var server = await WebhookTestServer.StartAsync(s =>
        {
            s.AddStripeEventHandler<QuotaGrantHandler>();
            s.AddSingleton<IStripeEventHandler>(failsOnce);
        }, connectionString: connectionString);
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_created", T0, userId: "user_1"));
        await DeliverAsync(server, Invoice("invoice.payment_failed", "evt_failed", T0 + Day));
        var paid = SampleEvents.ToBytes(Invoice("invoice.paid", "evt_paid", T0 + (2 * Day)));

        using var failed = await server.PostSignedAsync(paid);

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM quota_grants"));
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM test_side_effects"));
        Assert.Equal(("pro", "past_due"), Pair(await ReadAsync(server, "user_1")));
        Assert.Equal("evt_failed", await server.ScalarAsync<string>("SELECT last_event_id FROM stripe_subscriptions"));
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM processed_stripe_events WHERE event_id = 'evt_paid'"));
        Assert.Equal(1, await server.ScalarAsync<int>("SELECT attempts FROM stripe_event_failures WHERE event_id = 'evt_paid'"));

        using var retried = await server.PostSignedAsync(paid);

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(1000L, await server.ScalarAsync<long>("SELECT sum(credits) FROM quota_grants"));
        Assert.Equal(("pro", "active"), Pair(await ReadAsync(server, "user_1")));
    }
}
