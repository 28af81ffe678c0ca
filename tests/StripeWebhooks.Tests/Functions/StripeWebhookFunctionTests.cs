using Npgsql;
using StripeWebhooks.Development;
using StripeWebhooks.Http;
using StripeWebhooks.Tests.Billing;
using StripeWebhooks.Tests.Support;
using StripeWebhooks.WebhookFunction;
using static StripeWebhooks.Tests.Support.DatabaseValues;

namespace StripeWebhooks.Tests.Functions;

/// <summary><see cref="StripeWebhookFunction"/> invoked in-process with real requests against a real Postgres.</summary>
public class StripeWebhookFunctionTests
{
    private static async Task<(int Status, System.Text.Json.JsonElement Body)> DeliverAsync(FunctionApp app, byte[] body, string? signature)
    {
        var headers = signature is null ? null : new Dictionary<string, string> { [StripeWebhookEndpoint.SignatureHeader] = signature };
        await using var invocation = HttpInvocation.Post(app, $"/{WebhookRoutes.Prefix}/{WebhookRoutes.StripeWebhook}", body, headers);
        var result = await invocation.Function<StripeWebhookFunction>().RunAsync(invocation.Request, CancellationToken.None);
        return await invocation.ExecuteAsync(result);
    }

    private static string Sign(byte[] body) =>
        StripeSigner.Header(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body, FunctionSettings.Secret);

    private static async Task<long> ClaimsAsync(string connectionString, string eventId)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM processed_stripe_events WHERE event_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = eventId });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Signed_delivery_is_processed_and_its_redelivery_is_a_duplicate()
    {
        var connectionString = await TestDatabase.CreateAsync();
        using var app = FunctionApp.Build(FunctionSettings.For(connectionString));
        var eventId = SampleEvents.NewEventId();
        var body = SampleEvents.ToBytes(SampleEvents.Build("customer.subscription.created", eventId));

        var first = await DeliverAsync(app, body, Sign(body));
        var second = await DeliverAsync(app, body, Sign(body));

        Assert.Equal(200, first.Status);
        Assert.False(first.Body.GetProperty("duplicate").GetBoolean());
        Assert.Equal(eventId, first.Body.GetProperty("eventId").GetString());
        Assert.Equal(200, second.Status);
        Assert.True(second.Body.GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, await ClaimsAsync(connectionString, eventId));
    }

    [Fact]
    public async Task Badly_signed_delivery_answers_400_and_writes_no_row()
    {
        var connectionString = await TestDatabase.CreateAsync();
        using var app = FunctionApp.Build(FunctionSettings.For(connectionString));
        var eventId = SampleEvents.NewEventId();
        var body = SampleEvents.ToBytes(SampleEvents.Build("customer.subscription.created", eventId));
        var forged = StripeSigner.Header(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body, "whsec_not_the_endpoints_secret");

        var response = await DeliverAsync(app, body, forged);

        Assert.Equal(400, response.Status);
        Assert.Equal("invalid_signature", response.Body.GetProperty("error").GetString());
        Assert.Equal(0, await ClaimsAsync(connectionString, eventId));
    }

    [Fact]
    public async Task Program_cs_builds_a_host_whose_webhook_function_processes_a_delivery()
    {
        var connectionString = await TestDatabase.CreateAsync();
        using var app = ProgramHost.Build(FunctionSettings.For(connectionString));
        var eventId = SampleEvents.NewEventId();
        var body = SampleEvents.ToBytes(SampleEvents.Build("invoice.paid", eventId));

        var response = await DeliverAsync(app, body, Sign(body));

        Assert.Equal(200, response.Status);
        Assert.Equal(1, await ClaimsAsync(connectionString, eventId));
    }

    [Fact]
    public async Task Through_Program_cs_a_subscription_change_writes_its_entitlement_changed_message_and_a_repeat_of_the_same_state_none()
    {
        var connectionString = await TestDatabase.CreateAsync();
        using var app = ProgramHost.Build(FunctionSettings.For(connectionString));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var events = new[]
        {
            BillingEvents.Subscription("customer.subscription.created", "evt_fn_ent_1", now - 30, subscriptionId: "sub_fn_ent", userId: "user_fn_ent"),
            BillingEvents.Subscription("customer.subscription.updated", "evt_fn_ent_2", now - 20, subscriptionId: "sub_fn_ent", userId: "user_fn_ent", status: "past_due"),
            // The same state again: the writers change nothing, so the producer writes nothing.
            BillingEvents.Subscription("customer.subscription.updated", "evt_fn_ent_3", now - 10, subscriptionId: "sub_fn_ent", userId: "user_fn_ent", status: "past_due"),
        };

        foreach (var body in events.Select(SampleEvents.ToBytes))
        {
            Assert.Equal(200, (await DeliverAsync(app, body, Sign(body))).Status);
        }

        Assert.Equal(1, await CountAsync(connectionString,
            "SELECT count(*) FROM stripe_outbox WHERE id = 'evt_fn_ent_1:entitlement.changed:user_fn_ent' AND payload->>'sequence' = '1'"));
        Assert.Equal(1, await CountAsync(connectionString,
            "SELECT count(*) FROM stripe_outbox WHERE id = 'evt_fn_ent_2:entitlement.changed:user_fn_ent' AND payload->'current'->>'status' = 'past_due'"));
        Assert.Equal(0, await CountAsync(connectionString, "SELECT count(*) FROM stripe_outbox WHERE event_id = 'evt_fn_ent_3'"));
    }
}
