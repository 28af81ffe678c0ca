using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeWebhooks.Outbox;
using StripeWebhooks.Tests.Support;
using StripeWebhooks.WebhookFunction;

namespace StripeWebhooks.Tests.Functions;

/// <summary><see cref="DispatchOutboxFunction"/> and <see cref="ProcessOutboxMessageFunction"/> in the real worker host, against Postgres and Azurite.</summary>
public class OutboxFunctionTests
{
    private const string Body = """{"id":"evt_fn:welcome_email.requested:user_1","type":"welcome_email.requested","eventId":"evt_fn","eventCreated":1750000000,"userId":"user_1"}""";

    private static async Task<(string ConnectionString, Dictionary<string, string?> Settings, string Queue)> SetUpAsync()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await RecordingOutboxHandler.CreateTableAsync(connectionString);
        var queue = AzuriteQueue.NewQueueName();
        var settings = FunctionSettings.For(connectionString);
        settings["AzureWebJobsStorage"] = await AzuriteQueue.SharedConnectionStringAsync();
        settings["Outbox__QueueName"] = queue;
        settings["Outbox__SweepDelaySeconds"] = "1";
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var insert = dataSource.CreateCommand(
            "INSERT INTO stripe_outbox (id, event_id, type, payload, created_at) VALUES ('evt_fn:welcome_email.requested:user_1', 'evt_fn', 'welcome_email.requested', $1::jsonb, now() - interval '1 minute')");
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Body });
        await insert.ExecuteNonQueryAsync();
        return (connectionString, settings, queue);
    }

    [Fact]
    public async Task Timer_sweep_sends_an_undispatched_message_to_the_queue_base64_encoded_and_marks_it()
    {
        var (connectionString, settings, queueName) = await SetUpAsync();
        using var app = FunctionApp.Build(settings);
        await using var scope = app.Services.CreateAsyncScope();

        await app.Activate<DispatchOutboxFunction>(scope.ServiceProvider).RunAsync(new TimerInfo(), CancellationToken.None);

        var queue = new QueueClient(settings["AzureWebJobsStorage"], queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var peeked = Assert.Single((await queue.PeekMessagesAsync(maxMessages: 10)).Value);
        Assert.Equal("evt_fn:welcome_email.requested:user_1", OutboxMessage.Parse(peeked.Body.ToString()).Id);
        // What the host's queue trigger decodes by default: Base64 on the wire.
        var raw = Assert.Single((await new QueueClient(settings["AzureWebJobsStorage"], queueName).PeekMessagesAsync(maxMessages: 10)).Value);
        Assert.Equal("evt_fn:welcome_email.requested:user_1", OutboxMessage.Parse(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(raw.Body.ToString()))).Id);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var dispatched = dataSource.CreateCommand("SELECT dispatched_at IS NOT NULL FROM stripe_outbox");
        Assert.True((bool)(await dispatched.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Queue_trigger_runs_the_apps_handler_once_however_often_the_message_is_delivered_and_poisons_it_at_the_limit()
    {
        var (connectionString, settings, _) = await SetUpAsync();
        var handler = new RecordingOutboxHandler("recording", "welcome_email.requested");
        using var app = FunctionApp.Build(settings, services => services.AddSingleton<IOutboxMessageHandler>(handler));
        await using var scope = app.Services.CreateAsyncScope();
        var function = app.Activate<ProcessOutboxMessageFunction>(scope.ServiceProvider);

        handler.Broken = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => function.RunAsync(Delivery(1), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => function.RunAsync(Delivery(5), CancellationToken.None));
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var poisoned = dataSource.CreateCommand("SELECT poisoned_at IS NOT NULL AND attempts = 5 FROM stripe_outbox"))
        {
            Assert.True((bool)(await poisoned.ExecuteScalarAsync())!);
        }

        handler.Broken = false;
        await function.RunAsync(Delivery(1), CancellationToken.None);
        await function.RunAsync(Delivery(2), CancellationToken.None);

        await using var applied = dataSource.CreateCommand("SELECT count(*) FROM outbox_applied");
        Assert.Equal(1L, (long)(await applied.ExecuteScalarAsync())!);
        Assert.Equal(1, handler.Applications);
    }

    private static QueueMessage Delivery(long dequeueCount) =>
        QueuesModelFactory.QueueMessage("queue-message-id", "pop-receipt", Body, dequeueCount);
}
