using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeWebhooks.Development;
using StripeWebhooks.Events;
using StripeWebhooks.Persistence;
using StripeWebhooks.Processing;
using StripeWebhooks.Tests.Billing;
using StripeWebhooks.Tests.Support;
using Xunit.Abstractions;

namespace StripeWebhooks.Tests.Processing;

/// <summary>
/// The promise under stress: thousands of events, each delivered three times in random order by 32 senders
/// that retry like Stripe, with handler failures injected and the database crashed mid-run.
/// </summary>
public class StormTests(ITestOutputHelper output)
{
    private const int Users = 300;
    private const int UnhandledEvents = 1_000;
    private const int DeliveriesPerEvent = 3;
    private const int Senders = 32;
    private const string PricePro = "price_storm_pro";
    private const string PriceBasic = "price_storm_basic";

    [Fact]
    public async Task Storm_with_failures_and_a_postgres_crash_applies_every_event_exactly_once()
    {
        // Its own server: the test restarts it, which must not disturb the other tests.
        await using var postgres = await LocalPostgresServer.StartAsync();
        await using (var migrations = NpgsqlDataSource.Create(postgres.ConnectionString))
        {
            await new MigrationRunner(migrations).MigrateAsync(CancellationToken.None);
        }

        await RecordingHandler.CreateTableAsync(postgres.ConnectionString);
        var (events, expected) = BuildStorm();
        var handler = new FlakyFirstAttemptHandler([.. events.Select(e => (string)e["type"]!).Distinct()]);
        await using var server = await WebhookTestServer.StartAsync(
            s => s.AddSingleton<IStripeEventHandler>(handler),
            new Dictionary<string, string?>
            {
                ["Billing__Prices__" + PricePro] = "pro",
                ["Billing__Prices__" + PriceBasic] = "basic",
                ["Webhooks__LockTimeoutSeconds"] = "2",
            },
            postgres.ConnectionString);

        var bodies = events.Select(SampleEvents.ToBytes).ToArray();
        var queue = Enumerable.Range(0, bodies.Length).SelectMany(i => Enumerable.Repeat(i, DeliveriesPerEvent)).ToArray();
        new Random(20261122).Shuffle(queue);

        var statuses = new ConcurrentDictionary<int, int>();
        var attempts = 0;
        var completed = 0;
        var next = -1;
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var senders = Enumerable.Range(0, Senders).Select(async _ =>
        {
            int slot;
            while ((slot = Interlocked.Increment(ref next)) < queue.Length)
            {
                // Like Stripe: retry until a 2xx.
                while (true)
                {
                    deadline.Token.ThrowIfCancellationRequested();
                    Interlocked.Increment(ref attempts);
                    var status = await DeliverAsync(server, bodies[queue[slot]], deadline.Token);
                    statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                    if (status is >= 200 and < 300)
                    {
                        Interlocked.Increment(ref completed);
                        break;
                    }

                    await Task.Delay(20, deadline.Token);
                }
            }
        }).ToList();

        while (Volatile.Read(ref completed) < queue.Length / 3)
        {
            await Task.Delay(20, deadline.Token);
        }

        await postgres.RestartImmediateAsync(deadline.Token);
        await Task.WhenAll(senders);

        var claimed = await server.ScalarAsync<long>("SELECT count(*) FROM processed_stripe_events WHERE outcome = 'processed'");
        var sideEffects = await server.ScalarAsync<long>("SELECT count(*) FROM test_side_effects");
        var distinctSideEffects = await server.ScalarAsync<long>("SELECT count(DISTINCT event_id) FROM test_side_effects");
        var openFailures = await server.ScalarAsync<long>("SELECT count(*) FROM stripe_event_failures WHERE resolved_at IS NULL");
        var failuresSeen = await server.ScalarAsync<long>("SELECT count(*) FROM stripe_event_failures");
        output.WriteLine($"storm: events={events.Count} deliveries={queue.Length} attempts={attempts} injected_failures={handler.InjectedFailures} "
            + $"failures_recorded={failuresSeen} postgres_restarts=1 statuses=[{string.Join(", ", statuses.OrderBy(p => p.Key).Select(p => $"{p.Key}x{p.Value}"))}] "
            + $"claimed={claimed} lost={events.Count - distinctSideEffects} doubled={sideEffects - distinctSideEffects}");

        Assert.Equal(events.Count, claimed);
        Assert.Equal(events.Count, sideEffects);
        Assert.Equal(events.Count, distinctSideEffects);
        Assert.Equal(0, openFailures);
        Assert.True(handler.InjectedFailures > events.Count / 20, $"only {handler.InjectedFailures} failures were injected");
        foreach (var (user, want) in expected)
        {
            var got = await Entitlement.ReadAsync(server, user);
            Assert.True(got is not null, $"{user} has no entitlement");
            Assert.Equal((user, want.Tier, want.Status, want.SubscriptionId), (user, got.Tier, got.Status, got.StripeSubscriptionId));
        }
    }

    private static async Task<int> DeliverAsync(WebhookTestServer server, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await server.PostSignedAsync(body, cancellationToken);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Per user: checkout, subscription created (basic), updated (pro or basic), then for a third of them a
    /// failed payment and for another third a cancellation, one second apart; plus events nobody handles.
    /// Returns the events and each user's expected entitlement from their newest event.
    /// </summary>
    private static (List<JsonObject> Events, Dictionary<string, (string Tier, string Status, string SubscriptionId)> Expected) BuildStorm()
    {
        var events = new List<JsonObject>();
        var expected = new Dictionary<string, (string, string, string)>();
        for (var u = 0; u < Users; u++)
        {
            var (user, subscription, customer) = ($"user_storm_{u:D4}", $"sub_storm_{u:D4}", $"cus_storm_{u:D4}");
            var t0 = BillingEvents.T0 + (u * 10);
            var finalPrice = u % 2 == 0 ? PricePro : PriceBasic;
            events.Add(BillingEvents.CheckoutCompleted($"evt_storm_{u:D4}_checkout", t0, subscriptionId: subscription, customerId: customer, clientReferenceId: user));
            events.Add(BillingEvents.Subscription("customer.subscription.created", $"evt_storm_{u:D4}_created", t0 + 1, subscriptionId: subscription, customerId: customer, priceId: PriceBasic));
            events.Add(BillingEvents.Subscription("customer.subscription.updated", $"evt_storm_{u:D4}_updated", t0 + 2, subscriptionId: subscription, customerId: customer, priceId: finalPrice));
            var tier = finalPrice == PricePro ? "pro" : "basic";
            switch (u % 3)
            {
                case 0:
                    expected[user] = (tier, "active", subscription);
                    break;
                case 1:
                    events.Add(BillingEvents.Invoice("invoice.payment_failed", $"evt_storm_{u:D4}_payfail", t0 + 3, subscriptionId: subscription, customerId: customer));
                    expected[user] = (tier, "past_due", subscription);
                    break;
                default:
                    events.Add(BillingEvents.Subscription("customer.subscription.deleted", $"evt_storm_{u:D4}_deleted", t0 + 4, subscriptionId: subscription, customerId: customer, priceId: finalPrice));
                    expected[user] = ("free", "canceled", subscription);
                    break;
            }
        }

        string[] unhandled = ["customer.created", "charge.succeeded", "payment_intent.succeeded", "product.updated"];
        for (var i = 0; i < UnhandledEvents; i++)
        {
            events.Add(SampleEvents.Build(unhandled[i % unhandled.Length], $"evt_storm_misc_{i:D5}", BillingEvents.T0 + i));
        }

        return (events, expected);
    }

    /// <summary>Writes a side effect for every event, and throws on the first attempt of every tenth event.</summary>
    private sealed class FlakyFirstAttemptHandler(string[] eventTypes) : RecordingHandler(eventTypes)
    {
        private readonly ConcurrentDictionary<string, int> _attempts = new();
        private int _injected;

        public int InjectedFailures => Volatile.Read(ref _injected);

        public override async Task HandleAsync(StripeEvent stripeEvent, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
        {
            await base.HandleAsync(stripeEvent, connection, transaction, cancellationToken);
            var attempt = _attempts.AddOrUpdate(stripeEvent.Id, 1, (_, n) => n + 1);
            if (attempt == 1 && (uint)StableHash(stripeEvent.Id) % 10 == 0)
            {
                Interlocked.Increment(ref _injected);
                throw new InvalidOperationException("injected first-attempt failure");
            }
        }

        private static int StableHash(string text)
        {
            var hash = 17;
            foreach (var c in text)
            {
                hash = unchecked((hash * 31) + c);
            }

            return hash;
        }
    }
}
