using System.Net;
using StripeWebhooks.Development;
using StripeWebhooks.Operations;
using Microsoft.Extensions.DependencyInjection;
using StripeWebhooks.Tests.Support;
using static StripeWebhooks.Tests.Billing.BillingEvents;
using static StripeWebhooks.Tests.Billing.Entitlement;

namespace StripeWebhooks.Tests.Outbox;

/// <summary>The outbox through a real Azurite queue and a real Postgres: at least once, applied once, poison visible.</summary>
public class QueueDeliveryTests
{
    [Fact]
    public async Task Entitlement_messages_reach_the_queue_and_every_handler_applies_each_once()
    {
        var first = new RecordingOutboxHandler("first");
        var second = new RecordingOutboxHandler("second");
        var (server, _, _) = await OutboxServer.StartAsync(await AzuriteQueue.SharedConnectionStringAsync(), TwoPrices, first, second);
        await using var _server = server;
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_1", T0, status: "trialing", priceId: "price_test_basic", userId: "user_1"));
        await DeliverAsync(server, Subscription("customer.subscription.updated", "evt_2", T0 + 10, userId: "user_1"));

        await OutboxServer.AllConsumedAsync(server);

        Assert.Equal(2L, await server.ScalarAsync<long>("SELECT count(*) FROM stripe_outbox WHERE dispatched_at IS NOT NULL"));
        Assert.Equal(4L, await server.ScalarAsync<long>("SELECT count(*) FROM outbox_applied"));
        Assert.Equal(4L, await server.ScalarAsync<long>("SELECT count(DISTINCT (message_id, handler)) FROM outbox_applied"));
        Assert.Equal(4L, await server.ScalarAsync<long>("SELECT count(*) FROM stripe_outbox_receipts"));
    }

    [Fact]
    public async Task A_message_the_queue_delivers_twice_is_applied_once()
    {
        var handler = new RecordingOutboxHandler();
        var (server, queue, _) = await OutboxServer.StartAsync(await AzuriteQueue.SharedConnectionStringAsync(), null, handler);
        await using var _server = server;
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_1", T0, userId: "user_1"));
        await OutboxServer.AllConsumedAsync(server);
        var body = await server.ScalarAsync<string>("SELECT payload::text FROM stripe_outbox");

        // The queue's at-least-once: the same message again, twice, concurrently.
        await Task.WhenAll(queue.SendMessageAsync(body), queue.SendMessageAsync(body));
        await OutboxServer.EventuallyAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0
            && (await queue.PeekMessagesAsync()).Value.Length == 0, "the queue is empty");
        await OutboxServer.EventuallyAsync(async () => (await queue.PeekMessagesAsync()).Value.Length == 0 && handler.Applications >= 1, "consumed");

        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM outbox_applied"));
        Assert.Equal(1, handler.Applications);
    }

    [Fact]
    public async Task A_poison_message_ends_where_an_operator_sees_it_and_a_rerun_applies_it_once()
    {
        var handler = new RecordingOutboxHandler { Broken = true };
        var (server, _, poison) = await OutboxServer.StartAsync(await AzuriteQueue.SharedConnectionStringAsync(),
            new Dictionary<string, string?> { ["Outbox__MaxDequeueCount"] = "3" }, handler);
        await using var _server = server;
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_poison", T0, userId: "user_1"));

        await OutboxServer.EventuallyAsync(async () => (await poison.PeekMessagesAsync()).Value.Length == 1, "the message is in the poison queue");
        var operations = server.Services.GetRequiredService<OutboxOperations>();
        var poisoned = Assert.Single(await operations.ReadPoisonedAsync(10, CancellationToken.None));
        Assert.Equal("evt_poison:entitlement.changed:user_1", poisoned.Id);
        Assert.Equal(3, poisoned.Attempts);
        Assert.Contains("recording is broken", poisoned.LastError, StringComparison.Ordinal);
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM outbox_applied"));

        handler.Broken = false;
        Assert.Equal(OutboxRerunOutcome.Applied, (await operations.RerunAsync(poisoned.Id, CancellationToken.None)).Outcome);
        Assert.Equal(OutboxRerunOutcome.Applied, (await operations.RerunAsync(poisoned.Id, CancellationToken.None)).Outcome);

        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM outbox_applied"));
        Assert.Empty(await operations.ReadPoisonedAsync(10, CancellationToken.None));
        Assert.Empty((await poison.PeekMessagesAsync()).Value);
    }

    [Fact]
    public async Task With_the_queue_stopped_during_a_burst_webhooks_answer_200_and_everything_is_delivered_once_it_is_back()
    {
        await using var azurite = await AzuriteQueue.StartPrivateAsync();
        var handler = new RecordingOutboxHandler();
        var (server, _, _) = await OutboxServer.StartAsync(azurite.ConnectionString, null, handler);
        await using var _server = server;
        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_before", T0, subscriptionId: "sub_before", userId: "user_before"));
        await OutboxServer.AllConsumedAsync(server);

        await azurite.StopAsync();
        const int Burst = 40;
        var responses = await Task.WhenAll(Enumerable.Range(0, Burst).Select(i => server.PostSignedAsync(
            Subscription("customer.subscription.created", $"evt_burst_{i:D2}", T0 + 1, subscriptionId: $"sub_{i:D2}", customerId: $"cus_{i:D2}", userId: $"user_{i:D2}"))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }

        Assert.Equal(Burst + 1L, await server.ScalarAsync<long>("SELECT count(*) FROM stripe_outbox"));
        Assert.True(await server.ScalarAsync<long>("SELECT count(*) FROM stripe_outbox WHERE dispatched_at IS NULL") > 0);

        await azurite.StartAsync();
        await OutboxServer.AllConsumedAsync(server);

        Assert.Equal(Burst + 1L, await server.ScalarAsync<long>("SELECT count(*) FROM outbox_applied"));
        Assert.Equal(Burst + 1L, await server.ScalarAsync<long>("SELECT count(DISTINCT message_id) FROM outbox_applied"));
    }

    [Fact]
    public async Task Without_a_queue_messages_are_consumed_in_process_and_a_failing_one_is_poisoned_after_the_limit()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await RecordingOutboxHandler.CreateTableAsync(connectionString);
        var working = new RecordingOutboxHandler("working");
        var broken = new RecordingOutboxHandler("broken", "welcome_email.requested") { Broken = true };
        await using var server = await WebhookTestServer.StartAsync(services =>
        {
            services.AddSingleton<StripeWebhooks.Outbox.IOutboxMessageHandler>(working);
            services.AddSingleton<StripeWebhooks.Outbox.IOutboxMessageHandler>(broken);
            services.AddSingleton<StripeWebhooks.Processing.IStripeEventHandler>(new WelcomeRequestHandler());
        }, new Dictionary<string, string?> { ["Outbox__SweepDelaySeconds"] = "1", ["Outbox__MaxDequeueCount"] = "2" }, connectionString);

        await DeliverAsync(server, Subscription("customer.subscription.created", "evt_1", T0, userId: "user_1"));

        await OutboxServer.EventuallyAsync(async () => await server.ScalarAsync<long>("SELECT count(*) FROM stripe_outbox WHERE poisoned_at IS NOT NULL") == 1
            && await server.ScalarAsync<long>("SELECT count(*) FROM stripe_outbox WHERE consumed_at IS NOT NULL") == 1, "one consumed, one poisoned");
        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM outbox_applied WHERE handler = 'working'"));
        Assert.Equal("evt_1:welcome_email.requested:user_1", await server.ScalarAsync<string>("SELECT id FROM stripe_outbox WHERE poisoned_at IS NOT NULL"));
        Assert.Equal(2, await server.ScalarAsync<int>("SELECT attempts FROM stripe_outbox WHERE poisoned_at IS NOT NULL"));
    }

    /// <summary>An application handler that asks for a welcome e-mail through the outbox API.</summary>
    private sealed class WelcomeRequestHandler : StripeWebhooks.Processing.IStripeEventHandler
    {
        public IReadOnlyCollection<string> EventTypes { get; } = ["customer.subscription.created"];

        public async Task HandleAsync(StripeWebhooks.Events.StripeEvent stripeEvent, Npgsql.NpgsqlConnection connection, Npgsql.NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
            await StripeWebhooks.Outbox.StripeOutbox.EnqueueAsync(connection, transaction, stripeEvent, "welcome_email.requested", "user_1",
                new System.Text.Json.Nodes.JsonObject { ["userId"] = "user_1" }, cancellationToken);
    }
}
