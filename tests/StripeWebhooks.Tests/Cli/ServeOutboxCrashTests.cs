using System.Net.Http.Headers;
using Npgsql;
using StripeWebhooks.Development;
using StripeWebhooks.Http;
using StripeWebhooks.Tests.Outbox;
using StripeWebhooks.Tests.Support;
using Xunit.Abstractions;
using static StripeWebhooks.Tests.Billing.BillingEvents;
using static StripeWebhooks.Tests.Support.DatabaseValues;

namespace StripeWebhooks.Tests.Cli;

/// <summary>`webhooks serve` SIGKILLed after committing outbox messages it could not dispatch yet: they still arrive, once.</summary>
public class ServeOutboxCrashTests(ITestOutputHelper output)
{
    private const int Users = 20;

    [Fact]
    public async Task Serve_killed_between_commit_and_dispatch_still_delivers_and_the_handler_applies_each_message_once()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using var azurite = await AzuriteQueue.StartPrivateAsync();
        await azurite.StopAsync();
        var mailbox = Directory.CreateTempSubdirectory("welcome-mailbox-").FullName;
        var environment = ServeProcess.OutboxEnvironment(connectionString, mailbox, azurite.ConnectionString);

        // The queue is down: every message commits with its claim and none can be dispatched.
        var serve = await ServeProcess.StartAsync(environment);
        var port = new Uri(serve.BaseUrl).Port;
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        for (var i = 0; i < Users; i++)
        {
            // Each checkout writes the welcome e-mail example's message (registered in ApplicationHandlers).
            Assert.True(await SignedDelivery.TryAsync(client, serve.WebhookUrl, SampleEvents.ToBytes(CheckoutCompleted($"evt_crash_{i:D2}", T0,
                subscriptionId: $"sub_{i:D2}", customerId: $"cus_{i:D2}", clientReferenceId: $"user_{i:D2}"))));
        }

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var undispatched = await CountAsync(dataSource, "SELECT count(*) FROM stripe_outbox WHERE dispatched_at IS NULL");
        var (_, stats) = await ServeProcess.RunAsync(["stats"], new Dictionary<string, string?> { ["ConnectionStrings__Webhooks"] = connectionString });
        serve.Kill();
        await serve.DisposeAsync();

        await azurite.StartAsync();
        await using var restarted = await ServeProcess.StartAsync(environment, port);
        await OutboxServer.EventuallyAsync(async () => await CountAsync(dataSource, "SELECT count(*) FROM stripe_outbox WHERE consumed_at IS NULL") == 0,
            "every message is consumed after the restart");

        var messages = await CountAsync(dataSource, "SELECT count(*) FROM stripe_outbox");
        var receipts = await CountAsync(dataSource, "SELECT count(*) FROM stripe_outbox_receipts WHERE handler = 'welcome-email'");
        var mails = Directory.GetFiles(mailbox, "*.eml").Length;
        output.WriteLine($"outbox crash: messages={messages} undispatched_at_kill={undispatched} receipts={receipts} welcome_emails={mails}");
        output.WriteLine(stats);
        Directory.Delete(mailbox, recursive: true);

        Assert.Equal(Users, messages);
        Assert.Equal(Users, undispatched);
        Assert.Contains($"outbox undispatched:   {Users}", stats, StringComparison.Ordinal);
        Assert.Equal(Users, receipts);
        Assert.Equal(Users, mails);
    }
}
