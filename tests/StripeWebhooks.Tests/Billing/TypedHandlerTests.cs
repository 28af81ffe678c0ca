using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using StripeWebhooks.Development;
using StripeWebhooks.Events;
using StripeWebhooks.Processing;
using StripeWebhooks.Tests.Support;
using static StripeWebhooks.Tests.Billing.BillingEvents;

namespace StripeWebhooks.Tests.Billing;

/// <summary>
/// docs/handlers.md's typed handler (<see cref="WelcomeHandler"/>) against real Postgres, on Stripe.net's API version and
/// on another release.
/// </summary>
public class TypedHandlerTests
{
    private const string OtherRelease = "2025-03-31.basil";

    private static async Task<WebhookTestServer> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        await using (var command = dataSource.CreateCommand(WelcomeHandler.CreateTableSql))
        {
            await command.ExecuteNonQueryAsync();
        }

        return await WebhookTestServer.StartAsync(s => s.AddStripeEventHandler<WelcomeHandler>(), settings, connectionString);
    }

    private static JsonObject Completed(string eventId, string apiVersion)
    {
        var completed = CheckoutCompleted(eventId, T0, apiVersion, clientReferenceId: "user_ada");
        completed["data"]!["object"]!["customer_details"]!["email"] = "ada@example.com";
        return completed;
    }

    [Fact]
    public async Task A_typed_handler_reads_the_session_email_and_writes_in_the_claims_transaction()
    {
        await using var server = await StartAsync();

        using var response = await server.PostSignedAsync(Completed("evt_welcome", SampleEvents.CurrentApiVersion));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ada@example.com", await server.ScalarAsync<string>("SELECT email FROM welcome_messages WHERE checkout_session_id = 'cs_welcome'"));
        Assert.Equal("user_ada", await server.ScalarAsync<string>("SELECT user_id FROM stripe_customers WHERE customer_id = 'cus_test0001'"));
        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM processed_stripe_events WHERE event_id = 'evt_welcome'"));
    }

    [Fact]
    public async Task A_typed_handler_fails_an_event_of_another_api_release_naming_both_versions_and_parks_it_at_the_limit()
    {
        await using var server = await StartAsync(new Dictionary<string, string?> { ["Webhooks__MaxAttempts"] = "2" });
        var body = SampleEvents.ToBytes(Completed("evt_welcome_basil", OtherRelease));

        using var failed = await server.PostSignedAsync(body);

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM welcome_messages"));
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM stripe_customers"));
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM processed_stripe_events"));
        var error = await server.ScalarAsync<string>("SELECT last_error FROM stripe_event_failures WHERE event_id = 'evt_welcome_basil'");
        Assert.Contains(nameof(StripeApiVersionMismatchException), error, StringComparison.Ordinal);
        Assert.Contains(OtherRelease, error, StringComparison.Ordinal);
        Assert.Contains(Stripe.StripeConfiguration.ApiVersion, error, StringComparison.Ordinal);
        Assert.Contains("api_version=" + Stripe.StripeConfiguration.ApiVersion, error, StringComparison.Ordinal);
        Assert.Contains("raw JSON", error, StringComparison.Ordinal);

        using var parked = await server.PostSignedAsync(body);

        Assert.Equal(HttpStatusCode.OK, parked.StatusCode);
        Assert.Equal("failed_permanent", await server.ScalarAsync<string>("SELECT outcome FROM processed_stripe_events WHERE event_id = 'evt_welcome_basil'"));
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM welcome_messages"));
    }

    [Fact]
    public async Task Built_in_handlers_never_ask_for_the_typed_event_so_other_releases_still_apply()
    {
        await using var server = await WebhookTestServer.StartAsync();

        using var response = await server.PostSignedAsync(CheckoutCompleted("evt_link_basil", T0, OtherRelease, clientReferenceId: "user_ada"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("user_ada", await server.ScalarAsync<string>("SELECT user_id FROM stripe_customers WHERE customer_id = 'cus_test0001'"));
    }

    [Fact]
    public void The_typed_event_is_parsed_once_per_event_and_reused()
    {
        var parsed = ParsedEvents.Parse("checkout.session.completed");

        var first = parsed.ToStripeNetEvent();

        Assert.Same(first, parsed.ToStripeNetEvent());
        Assert.Equal(parsed.Id, first.Id);
        Assert.IsType<Stripe.Checkout.Session>(first.Data.Object);
    }

    [Fact]
    public void An_event_without_an_api_version_is_refused_as_another_release()
    {
        var body = SampleEvents.ToBytes(SampleEvents.Envelope("checkout.session.completed", "evt_no_version", T0, SampleEvents.CheckoutSession(), apiVersion: null));
        Assert.True(StripeEventParser.TryParse(body, out var parsed, out _));

        var error = Assert.Throws<StripeApiVersionMismatchException>(() => parsed.ToStripeNetEvent());

        Assert.Contains("(none)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_typed_handler_registered_for_an_event_of_another_object_fails_it_naming_both_types()
    {
        IStripeEventHandler handler = new WrongObjectHandler();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            handler.HandleAsync(ParsedEvents.Parse("checkout.session.completed"), null!, null!, CancellationToken.None));

        Assert.Contains("Stripe.Subscription", error.Message, StringComparison.Ordinal);
        Assert.Contains("Stripe.Checkout.Session", error.Message, StringComparison.Ordinal);
    }

    private sealed class WrongObjectHandler : StripeEventHandler<Stripe.Subscription>
    {
        public override IReadOnlyCollection<string> EventTypes { get; } = ["checkout.session.completed"];

        protected override Task HandleAsync(Stripe.Event stripeEvent, Stripe.Subscription dataObject, NpgsqlConnection connection,
            NpgsqlTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
