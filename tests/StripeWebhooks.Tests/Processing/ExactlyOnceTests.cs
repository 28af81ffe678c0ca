using System.Net;
using StripeWebhooks.Development;
using StripeWebhooks.Processing;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Processing;

/// <summary>The claim's guarantees under concurrency, failures and lock waits, on a real Postgres.</summary>
public class ExactlyOnceTests
{
    private static async Task<(WebhookTestServer Server, T Handler)> StartWithAsync<T>(T handler, Dictionary<string, string?>? settings = null)
        where T : IStripeEventHandler
    {
        var server = await WebhookTestServer.StartWithHandlersAsync(settings, handler);
        return (server, handler);
    }

    [Fact]
    public async Task Twenty_concurrent_deliveries_of_one_event_run_the_handler_once()
    {
        var (server, handler) = await StartWithAsync(new RecordingHandler("customer.subscription.updated"));
        await using var _ = server;
        var body = SampleEvents.ToBytes(SampleEvents.Build("customer.subscription.updated", "evt_concurrent"));

        var (statuses, duplicates) = await server.PostConcurrentlyAsync(body, 20);

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(19, duplicates);
        Assert.Equal(1, handler.Invocations);
        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM test_side_effects WHERE event_id = 'evt_concurrent'"));
    }

    [Fact]
    public async Task A_failed_delivery_leaves_no_claim_and_the_retry_processes_and_resolves_it()
    {
        var (server, handler) = await StartWithAsync(new FailingHandler(failures: 1, "invoice.paid"));
        await using var _ = server;
        var body = SampleEvents.ToBytes(SampleEvents.Build("invoice.paid", "evt_retry"));

        using var failed = await server.PostSignedAsync(body);
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM processed_stripe_events"));
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM test_side_effects"));
        Assert.Equal(1, await server.ScalarAsync<int>("SELECT attempts FROM stripe_event_failures WHERE event_id = 'evt_retry' AND resolved_at IS NULL"));
        Assert.Contains("simulated handler failure", await server.ScalarAsync<string>("SELECT last_error FROM stripe_event_failures"), StringComparison.Ordinal);

        using var retried = await server.PostSignedAsync(body);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.False((await JsonBody.ReadAsync(retried)).GetProperty("duplicate").GetBoolean());
        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM test_side_effects"));
        Assert.True(await server.ScalarAsync<bool>("SELECT resolved_at IS NOT NULL AND payload IS NULL FROM stripe_event_failures WHERE event_id = 'evt_retry'"));
        Assert.Equal(2, handler.Invocations);
    }

    [Fact]
    public async Task A_duplicate_waiting_past_the_lock_timeout_answers_409_and_the_first_still_commits()
    {
        var (server, handler) = await StartWithAsync(new BlockingHandler("customer.subscription.updated"),
            new Dictionary<string, string?> { ["Webhooks__LockTimeoutSeconds"] = "1" });
        await using var _ = server;
        var body = SampleEvents.ToBytes(SampleEvents.Build("customer.subscription.updated", "evt_in_flight"));

        var first = server.PostSignedAsync(body);
        await handler.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        using var second = await server.PostSignedAsync(body);
        handler.Release.SetResult();
        using var firstResponse = await first;

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("event_in_flight", await JsonBody.ErrorAsync(second));
        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM test_side_effects"));
    }

    [Fact]
    public async Task A_duplicate_waiting_on_a_delivery_that_fails_processes_the_event_itself()
    {
        var blocking = new BlockingHandler("customer.subscription.updated");
        var failOnce = new FailingHandler(failures: 1, "customer.subscription.updated");
        await using var server = await WebhookTestServer.StartWithHandlersAsync(settings: null, blocking, failOnce);
        var body = SampleEvents.ToBytes(SampleEvents.Build("customer.subscription.updated", "evt_fail_then_wait"));

        var first = server.PostSignedAsync(body);
        await blocking.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var second = server.PostSignedAsync(body);
        // Give the second delivery time to reach the claim and wait on it (the outcome does not depend on it).
        await Task.Delay(300);
        blocking.Release.SetResult();
        using var firstResponse = await first;
        using var secondResponse = await second;

        Assert.Equal(HttpStatusCode.InternalServerError, firstResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, secondResponse.StatusCode);
        Assert.False((await JsonBody.ReadAsync(secondResponse)).GetProperty("duplicate").GetBoolean());
        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM processed_stripe_events"));
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM stripe_event_failures WHERE resolved_at IS NULL"));
    }
}
