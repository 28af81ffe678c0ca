using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StripeWebhooks.Outbox;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Outbox;

/// <summary>A test server whose outbox goes to a real Azurite queue of its own, consumed in-process as serve does.</summary>
public static class OutboxServer
{
    /// <summary>Starts it over a fresh database with <c>outbox_applied</c>, a new queue name, and <paramref name="handlers"/>.</summary>
    public static async Task<(WebhookTestServer Server, QueueClient Queue, QueueClient Poison)> StartAsync(
        string storageConnectionString, IDictionary<string, string?>? settings, params IOutboxMessageHandler[] handlers)
    {
        var connectionString = await TestDatabase.CreateAsync();
        await RecordingOutboxHandler.CreateTableAsync(connectionString);
        var queueName = AzuriteQueue.NewQueueName();
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["AzureWebJobsStorage"] = storageConnectionString,
            ["Outbox__QueueName"] = queueName,
            ["Outbox__SweepDelaySeconds"] = "1",
            ["Outbox__RetryDelaySeconds"] = "0",
        };
        var server = await WebhookTestServer.StartAsync(services =>
        {
            foreach (var handler in handlers)
            {
                services.AddSingleton(handler);
            }

            services.AddOutboxQueueListener(new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = storageConnectionString }).Build());
        }, all, connectionString);
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        return (server, new QueueClient(storageConnectionString, queueName, options), new QueueClient(storageConnectionString, queueName + "-poison", options));
    }

    /// <summary>Waits until <paramref name="condition"/> holds (the outbox works in the background); fails with <paramref name="what"/> after two minutes.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (!await condition())
        {
            if (deadline.IsCancellationRequested)
            {
                Assert.Fail($"timed out waiting until {what}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Every outbox message consumed (and there is at least one).</summary>
    public static Task AllConsumedAsync(WebhookTestServer server) => EventuallyAsync(async () =>
        await server.ScalarAsync<long>("SELECT count(*) FROM stripe_outbox WHERE consumed_at IS NULL") == 0
        && await server.ScalarAsync<long>("SELECT count(*) FROM stripe_outbox") > 0, "every outbox message is consumed");
}
