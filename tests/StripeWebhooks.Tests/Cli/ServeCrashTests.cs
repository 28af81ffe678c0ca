using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using StripeWebhooks.Development;
using StripeWebhooks.Http;
using StripeWebhooks.Tests.Support;
using Xunit.Abstractions;

namespace StripeWebhooks.Tests.Cli;

/// <summary>`webhooks serve` SIGKILLed with requests in flight, restarted, deliveries retried: nothing lost, nothing twice.</summary>
public class ServeCrashTests(ITestOutputHelper output)
{
    private const int Events = 400;
    private const int Senders = 16;

    [Fact]
    public async Task Serve_killed_mid_flight_and_restarted_loses_nothing_and_applies_nothing_twice()
    {
        var connectionString = await TestDatabase.CreateAsync();
        var environment = CrashEnvironment(connectionString);
        var serve = await ServeProcess.StartAsync(environment);
        var port = new Uri(serve.BaseUrl).Port;
        var events = BuildEvents();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var acknowledged = 0;
        var attempts = 0;
        var failedAttempts = 0;
        var next = -1;
        var senders = Enumerable.Range(0, Senders).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < events.Count)
            {
                // Like Stripe: deliver until a 2xx, signing each attempt afresh.
                while (true)
                {
                    deadline.Token.ThrowIfCancellationRequested();
                    Interlocked.Increment(ref attempts);
                    if (await SignedDelivery.TryAsync(client, serve.WebhookUrl, events[i], deadline.Token))
                    {
                        Interlocked.Increment(ref acknowledged);
                        break;
                    }

                    Interlocked.Increment(ref failedAttempts);
                    await Task.Delay(50, deadline.Token);
                }
            }
        }).ToList();

        while (Volatile.Read(ref acknowledged) < Events / 4)
        {
            await Task.Delay(10, deadline.Token);
        }

        serve.Kill();
        await serve.DisposeAsync();
        serve = await ServeProcess.StartAsync(environment, port);
        await using var restarted = serve;
        await Task.WhenAll(senders);

        await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);
        await using var claims = dataSource.CreateCommand("SELECT count(*), count(DISTINCT event_id) FROM processed_stripe_events WHERE outcome = 'processed'");
        await using var reader = await claims.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (claimed, distinct) = (reader.GetInt64(0), reader.GetInt64(1));
        output.WriteLine($"crash: events={Events} deliveries={attempts} failed_attempts={failedAttempts} claimed={claimed} lost={Events - claimed}");

        Assert.Equal(Events, acknowledged);
        Assert.Equal(Events, claimed);
        Assert.Equal(claimed, distinct);
    }

    private static Dictionary<string, string?> CrashEnvironment(string connectionString) => new()
    {
        ["ConnectionStrings__Webhooks"] = connectionString,
        ["Stripe__WebhookSecrets__0"] = WebhookTestServer.Secret,
    };

    private static List<byte[]> BuildEvents()
    {
        string[] types = ["customer.created", "charge.succeeded", "payment_intent.created", "product.updated"];
        return [.. Enumerable.Range(0, Events).Select(i => SampleEvents.ToBytes(SampleEvents.Build(types[i % types.Length], $"evt_crash_{i:D5}")))];
    }
}
