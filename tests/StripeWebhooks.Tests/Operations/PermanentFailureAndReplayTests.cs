using System.Net;
using Microsoft.Extensions.DependencyInjection;
using StripeWebhooks.Development;
using StripeWebhooks.Operations;
using StripeWebhooks.Processing;
using StripeWebhooks.Tests.Billing;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Operations;

public class PermanentFailureAndReplayTests
{
    private static async Task<(WebhookTestServer Server, FailingHandler Handler)> StartAsync(int failures)
    {
        var handler = new FailingHandler(failures, "charge.refunded");
        var server = await WebhookTestServer.StartWithHandlersAsync(new Dictionary<string, string?> { ["Webhooks__MaxAttempts"] = "3" }, handler);
        return (server, handler);
    }

    private static async Task ParkAsync(WebhookTestServer server, string eventId)
    {
        var body = SampleEvents.ToBytes(SampleEvents.Build("charge.refunded", eventId));
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            using var failed = await server.PostSignedAsync(body);
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }

        using var parked = await server.PostSignedAsync(body);
        Assert.Equal(HttpStatusCode.OK, parked.StatusCode);
        // 200 so Stripe stops, but not a success: the body says it was parked.
        var reply = await JsonBody.ReadAsync(parked);
        Assert.True(reply.GetProperty("parked").GetBoolean());
        Assert.False(reply.GetProperty("duplicate").GetBoolean());
    }

    [Fact]
    public async Task The_last_allowed_failure_parks_the_event_answers_200_and_keeps_the_payload()
    {
        var (server, _) = await StartAsync(failures: 3);
        await using var _ = server;
        await ParkAsync(server, "evt_parked");

        Assert.Equal("failed_permanent", await server.ScalarAsync<string>("SELECT outcome FROM processed_stripe_events WHERE event_id = 'evt_parked'"));
        Assert.Equal(3, await server.ScalarAsync<int>("SELECT attempts FROM stripe_event_failures WHERE event_id = 'evt_parked' AND resolved_at IS NULL"));
        Assert.True(await server.ScalarAsync<bool>("SELECT payload IS NOT NULL FROM stripe_event_failures WHERE event_id = 'evt_parked'"));
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM test_side_effects"));

        // Stripe's next retry of a parked event is a duplicate: nothing runs until an operator replays it.
        using var again = await server.PostSignedAsync(SampleEvents.Build("charge.refunded", "evt_parked"));
        Assert.True((await JsonBody.ReadAsync(again)).GetProperty("duplicate").GetBoolean());
    }

    [Fact]
    public async Task Replay_runs_the_handlers_once_and_resolves_a_parked_event()
    {
        var (server, handler) = await StartAsync(failures: 3);
        await using var _ = server;
        await ParkAsync(server, "evt_replay");
        var replayer = server.Services.GetRequiredService<EventReplayer>();

        var result = await replayer.ReplayAsync("evt_replay", dryRun: false, CancellationToken.None);

        Assert.Equal(ReplayOutcome.Replayed, result.Outcome);
        Assert.Equal([nameof(FailingHandler)], result.Handlers);
        Assert.Contains(result.Changes, c => c is { Table: "test_side_effects", Inserted: 1 });
        Assert.Equal("processed", await server.ScalarAsync<string>("SELECT outcome FROM processed_stripe_events WHERE event_id = 'evt_replay'"));
        Assert.True(await server.ScalarAsync<bool>("SELECT resolved_at IS NOT NULL AND payload IS NULL FROM stripe_event_failures WHERE event_id = 'evt_replay'"));
        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM test_side_effects"));
        Assert.Equal(4, handler.Invocations);

        Assert.Equal(ReplayOutcome.NotFound, (await replayer.ReplayAsync("evt_replay", dryRun: false, CancellationToken.None)).Outcome);
    }

    // The built-in handlers' statements are guarded by the claim (ClaimedByThisTransaction); a replay un-parks the
    // claim in its own transaction, so they must apply there too.
    [Fact]
    public async Task Replay_applies_the_built_in_entitlement_handlers()
    {
        var failing = new FailingHandler(failures: 3, "customer.subscription.updated");
        await using var server = await WebhookTestServer.StartWithHandlersAsync(new Dictionary<string, string?> { ["Webhooks__MaxAttempts"] = "3" }, failing);
        var body = SampleEvents.ToBytes(BillingEvents.Subscription("customer.subscription.updated", "evt_replay_billing", created: 1_760_000_000));
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            using var response = await server.PostSignedAsync(body);
        }

        Assert.Equal("failed_permanent", await server.ScalarAsync<string>("SELECT outcome FROM processed_stripe_events WHERE event_id = 'evt_replay_billing'"));
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM stripe_subscriptions"));

        var result = await server.Services.GetRequiredService<EventReplayer>().ReplayAsync("evt_replay_billing", dryRun: false, CancellationToken.None);

        Assert.Equal(ReplayOutcome.Replayed, result.Outcome);
        Assert.Equal("evt_replay_billing", await server.ScalarAsync<string>("SELECT last_event_id FROM stripe_subscriptions"));
        Assert.Equal("pro", await server.ScalarAsync<string>("SELECT tier FROM stripe_subscriptions"));
    }

    [Fact]
    public async Task Dry_run_reports_the_changes_and_rolls_them_back()
    {
        var (server, _) = await StartAsync(failures: 3);
        await using var _ = server;
        await ParkAsync(server, "evt_dry");

        var result = await server.Services.GetRequiredService<EventReplayer>().ReplayAsync("evt_dry", dryRun: true, CancellationToken.None);

        Assert.Equal(ReplayOutcome.DryRun, result.Outcome);
        Assert.Contains(result.Changes, c => c is { Table: "test_side_effects", Inserted: 1 });
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM test_side_effects"));
        Assert.Equal("failed_permanent", await server.ScalarAsync<string>("SELECT outcome FROM processed_stripe_events WHERE event_id = 'evt_dry'"));
        Assert.True(await server.ScalarAsync<bool>("SELECT resolved_at IS NULL FROM stripe_event_failures WHERE event_id = 'evt_dry'"));
    }

    [Fact]
    public async Task A_replay_that_fails_again_changes_nothing_but_counts_the_attempt()
    {
        var (server, _) = await StartAsync(failures: 10);
        await using var _ = server;
        await ParkAsync(server, "evt_still_broken");

        var result = await server.Services.GetRequiredService<EventReplayer>().ReplayAsync("evt_still_broken", dryRun: false, CancellationToken.None);

        Assert.Equal(ReplayOutcome.Failed, result.Outcome);
        Assert.Contains("simulated handler failure", result.Error, StringComparison.Ordinal);
        Assert.Equal(4, await server.ScalarAsync<int>("SELECT attempts FROM stripe_event_failures WHERE event_id = 'evt_still_broken'"));
        Assert.Equal("failed_permanent", await server.ScalarAsync<string>("SELECT outcome FROM processed_stripe_events WHERE event_id = 'evt_still_broken'"));
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM test_side_effects"));
    }

    [Fact]
    public async Task Failures_and_stats_show_what_an_operator_needs()
    {
        var (server, _) = await StartAsync(failures: 3);
        await using var _ = server;
        await ParkAsync(server, "evt_listed");
        using var fine = await server.PostSignedAsync(SampleEvents.Build("customer.created", "evt_fine"));

        var failures = await server.Services.GetRequiredService<FailureLedgerQueries>().ListAsync(includeResolved: false, 100, CancellationToken.None);
        var stats = await server.Services.GetRequiredService<WebhookStatisticsQuery>().ReadAsync(CancellationToken.None);

        var listed = Assert.Single(failures);
        Assert.Equal(("evt_listed", "charge.refunded", 3, true), (listed.EventId, listed.EventType, listed.Attempts, listed.Parked));
        Assert.Contains("simulated handler failure", listed.LastError, StringComparison.Ordinal);
        Assert.StartsWith("Parked after 3 attempts, so Stripe no longer retries it: fix the cause, then `webhooks replay evt_listed`.", listed.LastError, StringComparison.Ordinal);
        Assert.Equal((2L, 2L, 1L, 1L), (stats.ClaimsTotal, stats.ClaimsLast24Hours, stats.UnresolvedFailures, stats.ParkedEvents));
        Assert.Equal(30, stats.RetentionDays);
        Assert.Null(stats.LastPurgeAt);
    }
}
