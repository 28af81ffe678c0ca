using System.Net.Http.Headers;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeWebhooks.Application;
using StripeWebhooks.Development;
using StripeWebhooks.Http;
using StripeWebhooks.Tests.Functions;
using StripeWebhooks.Tests.Outbox;
using StripeWebhooks.Tests.Support;
using StripeWebhooks.WebhookFunction;
using static StripeWebhooks.Tests.Billing.BillingEvents;
using static StripeWebhooks.Tests.Support.DatabaseValues;

namespace StripeWebhooks.Tests;

/// <summary>
/// src/Shared/Application/ApplicationHandlers.cs is the one registration point: the welcome e-mail example registered there runs
/// in the function app, in `webhooks serve` and in `webhooks replay`.
/// </summary>
public class ApplicationHandlersTests
{
    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static string Welcome(string eventId, string userId) =>
        $"SELECT count(*) FROM stripe_outbox WHERE id = '{eventId}:{WelcomeEmail.MessageType}:{userId}'";

    [Fact]
    public async Task The_function_app_runs_the_handlers_registered_there()
    {
        var connectionString = await TestDatabase.CreateAsync();
        var mailbox = Directory.CreateTempSubdirectory("welcome-mailbox-").FullName;
        var settings = FunctionSettings.For(connectionString);
        settings["Outbox__DevelopmentMailbox"] = mailbox;
        using var app = FunctionApp.Build(settings);
        var body = SampleEvents.ToBytes(CheckoutCompleted("evt_app_handlers_fn", T0, clientReferenceId: "user_fn"));

        await using (var invocation = HttpInvocation.Post(app, $"/{WebhookRoutes.Prefix}/{WebhookRoutes.StripeWebhook}", body,
            new Dictionary<string, string> { [StripeWebhookEndpoint.SignatureHeader] = StripeSigner.Header(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body, FunctionSettings.Secret) }))
        {
            var (status, _) = await invocation.ExecuteAsync(await invocation.Function<StripeWebhookFunction>().RunAsync(invocation.Request, CancellationToken.None));
            Assert.Equal(200, status);
        }

        // The producer ran in the webhook's transaction; the consumer runs in the queue trigger.
        Assert.Equal(1, await CountAsync(connectionString, Welcome("evt_app_handlers_fn", "user_fn")));
        var message = $$"""{"id":"evt_app_handlers_fn:{{WelcomeEmail.MessageType}}:user_fn","type":"{{WelcomeEmail.MessageType}}","eventId":"evt_app_handlers_fn","eventCreated":{{T0}},"userId":"user_fn"}""";
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await app.Activate<ProcessOutboxMessageFunction>(scope.ServiceProvider)
                .RunAsync(QueuesModelFactory.QueueMessage("queue-message-id", "pop-receipt", message, 1), CancellationToken.None);
        }

        Assert.Single(Directory.GetFiles(mailbox, "*.eml"));
        Directory.Delete(mailbox, recursive: true);
    }

    [Fact]
    public async Task Serve_and_replay_run_the_handlers_registered_there()
    {
        var connectionString = await TestDatabase.CreateAsync();
        var mailbox = Directory.CreateTempSubdirectory("welcome-mailbox-").FullName;
        var environment = ServeProcess.OutboxEnvironment(connectionString, mailbox);
        await using var serve = await ServeProcess.StartAsync(environment);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        // serve, over HTTP: the producer in the claim's transaction, then the consumer writes the e-mail.
        Assert.Equal(200, (int)(await SignedDelivery.PostAsync(client, serve.WebhookUrl, SampleEvents.ToBytes(CheckoutCompleted("evt_app_handlers_serve", T0, clientReferenceId: "user_serve")))).StatusCode);
        await OutboxServer.EventuallyAsync(() => Task.FromResult(Directory.GetFiles(mailbox, "*.eml").Length == 1), "serve writes the welcome e-mail");

        // A delivery whose welcome message cannot be written fails, and leaves nothing behind.
        await ExecuteAsync(connectionString, $"ALTER TABLE stripe_outbox ADD CONSTRAINT refuse_welcome CHECK (type <> '{WelcomeEmail.MessageType}') NOT VALID");
        Assert.Equal(500, (int)(await SignedDelivery.PostAsync(client, serve.WebhookUrl, SampleEvents.ToBytes(CheckoutCompleted("evt_app_handlers_replay", T0, clientReferenceId: "user_replay")))).StatusCode);
        Assert.Equal(0, await CountAsync(connectionString, Welcome("evt_app_handlers_replay", "user_replay")));
        await ExecuteAsync(connectionString, "ALTER TABLE stripe_outbox DROP CONSTRAINT refuse_welcome");

        // replay, as its own process: the message can only come from the handler registered in ApplicationHandlers.
        var (exitCode, output) = await ServeProcess.RunAsync(["replay", "evt_app_handlers_replay"], environment);

        Assert.True(exitCode == 0, output);
        Assert.Equal(1, await CountAsync(connectionString, Welcome("evt_app_handlers_replay", "user_replay")));
        await serve.TerminateAsync();
        Directory.Delete(mailbox, recursive: true);
    }
}
