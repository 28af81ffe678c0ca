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

/// <summary>
/// Scale-out as the function app does it: three `webhooks serve` instances on one Postgres and one Azurite queue, each
/// dispatching and consuming, one SIGKILLed in the middle of the load and restarted on its port (#24).
/// </summary>
public class ServeScaleOutCrashTests(ITestOutputHelper output)
{
    private const int Users = 150;
    private const int Instances = 3;

    [Fact]
    public async Task Three_instances_with_one_killed_mid_load_consume_every_message_with_each_handler_applying_it_once()
    {
        var connectionString = await TestDatabase.CreateAsync();
        var mailbox = Directory.CreateTempSubdirectory("welcome-mailbox-").FullName;
        var environment = ServeProcess.OutboxEnvironment(connectionString, mailbox, await AzuriteQueue.SharedConnectionStringAsync());
        var instances = new ServeProcess[Instances];
        for (var i = 0; i < Instances; i++)
        {
            instances[i] = await ServeProcess.StartAsync(environment);
        }

        var urls = instances.Select(instance => instance.WebhookUrl).ToArray();
        try
        {
            // Every user: a checkout (a welcome e-mail message), created (free -> pro), past_due, active again
            // (entitlement.changed messages); each delivered twice, shuffled.
            var random = new Random(24);
            var deliveries = Enumerable.Range(0, Users).SelectMany(u => new[]
                {
                    CheckoutCompleted($"evt_so_{u:D3}_0", T0, subscriptionId: $"sub_{u:D3}", customerId: $"cus_{u:D3}", clientReferenceId: $"user_{u:D3}"),
                    Subscription("customer.subscription.created", $"evt_so_{u:D3}_a", T0, subscriptionId: $"sub_{u:D3}", customerId: $"cus_{u:D3}", userId: $"user_{u:D3}"),
                    Subscription("customer.subscription.updated", $"evt_so_{u:D3}_b", T0 + 10, subscriptionId: $"sub_{u:D3}", customerId: $"cus_{u:D3}", userId: $"user_{u:D3}", status: "past_due"),
                    Subscription("customer.subscription.updated", $"evt_so_{u:D3}_c", T0 + 20, subscriptionId: $"sub_{u:D3}", customerId: $"cus_{u:D3}", userId: $"user_{u:D3}"),
                })
                .SelectMany(e => new[] { e, e })
                .OrderBy(_ => random.Next())
                .Select(SampleEvents.ToBytes)
                .ToArray();

            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var next = -1;
            var failedAttempts = 0;
            var killAt = deliveries.Length / 3;
            var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var senders = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
            {
                for (var n = Interlocked.Increment(ref next); n < deliveries.Length; n = Interlocked.Increment(ref next))
                {
                    if (n == killAt)
                    {
                        killed.TrySetResult();
                    }

                    // As Stripe does: a delivery that did not get a 2xx is tried again, here at any instance.
                    for (var attempt = 0; !await SignedDelivery.TryAsync(client, urls[Random.Shared.Next(Instances)], deliveries[n]); attempt++)
                    {
                        Interlocked.Increment(ref failedAttempts);
                        Assert.True(attempt < 200, "a delivery kept failing");
                        await Task.Delay(50);
                    }
                }
            })).ToArray();

            // One instance dies mid-load (its dispatches and consumptions in flight) and comes back on its port.
            await killed.Task;
            var port = new Uri(instances[0].BaseUrl).Port;
            instances[0].Kill();
            await instances[0].DisposeAsync();
            instances[0] = await ServeProcess.StartAsync(environment, port);
            await Task.WhenAll(senders);

            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            await OutboxServer.EventuallyAsync(async () => await CountAsync(dataSource,
                "SELECT count(*) FROM stripe_outbox WHERE consumed_at IS NULL OR dispatched_at IS NULL") == 0,
                "every outbox message is dispatched and consumed");

            var claims = await CountAsync(dataSource, "SELECT count(*) FROM processed_stripe_events");
            var messages = await CountAsync(dataSource, "SELECT count(*) FROM stripe_outbox");
            var receipts = await CountAsync(dataSource, "SELECT count(*) FROM stripe_outbox_receipts WHERE handler = 'welcome-email'");
            var mails = Directory.GetFiles(mailbox, "*.eml").Length;
            output.WriteLine($"scale-out crash: instances={Instances} deliveries={deliveries.Length} failed_attempts={failedAttempts} claims={claims} messages={messages} welcome_receipts={receipts} welcome_emails={mails}");

            Assert.Equal(Users * 4L, claims);
            Assert.Equal(Users, await CountAsync(dataSource, "SELECT count(*) FROM stripe_outbox WHERE type = 'welcome_email.requested'"));
            Assert.True(messages >= 2 * Users, $"a welcome message and at least one entitlement.changed per user; got {messages}");
            Assert.Equal(0L, await CountAsync(dataSource, "SELECT count(*) FROM stripe_outbox WHERE poisoned_at IS NOT NULL"));
            // The welcome handler applied each of its messages once: one receipt and one e-mail per user.
            Assert.Equal(Users, receipts);
            Assert.Equal(Users, mails);
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }

            Directory.Delete(mailbox, recursive: true);
        }
    }
}
