using System.Net;
using System.Text;
using StripeWebhooks.Development;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Http;

/// <summary>Every row of docs/architecture.md's HTTP contract, over real HTTP against Kestrel on loopback.</summary>
public class HttpContractTests
{
    [Fact]
    public async Task Processed_event_answers_200_not_duplicate_and_duplicate_answers_200_duplicate()
    {
        await using var server = await WebhookTestServer.StartAsync();
        var body = SampleEvents.ToBytes(SampleEvents.Build("customer.created", "evt_contract_1"));

        using var first = await server.PostSignedAsync(body);
        using var second = await server.PostSignedAsync(body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var firstJson = await JsonBody.ReadAsync(first);
        Assert.True(firstJson.GetProperty("received").GetBoolean());
        Assert.False(firstJson.GetProperty("duplicate").GetBoolean());
        Assert.Equal("evt_contract_1", firstJson.GetProperty("eventId").GetString());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.True((await JsonBody.ReadAsync(second)).GetProperty("duplicate").GetBoolean());
        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM processed_stripe_events WHERE event_id = 'evt_contract_1'"));
    }

    [Fact]
    public async Task Missing_signature_answers_400_and_writes_nothing()
    {
        await using var server = await WebhookTestServer.StartAsync();
        using var response = await server.PostAsync(SampleEvents.ToBytes(SampleEvents.Build("customer.created")), signatureHeader: null);
        await AssertRejectedAsync(server, response, HttpStatusCode.BadRequest, "missing_signature");
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("t=,v1=abc")]
    [InlineData("v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd")]
    [InlineData("t=1700000000")]
    [InlineData("t=1700000000,v0=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd")]
    public async Task Malformed_signature_answers_400_and_writes_nothing(string header)
    {
        await using var server = await WebhookTestServer.StartAsync();
        using var response = await server.PostAsync(SampleEvents.ToBytes(SampleEvents.Build("customer.created")), header);
        await AssertRejectedAsync(server, response, HttpStatusCode.BadRequest, "malformed_signature");
    }

    [Fact]
    public async Task Signature_from_another_secret_answers_400_invalid_signature()
    {
        await using var server = await WebhookTestServer.StartAsync();
        var body = SampleEvents.ToBytes(SampleEvents.Build("customer.created"));
        var header = StripeSigner.Header(server.Clock.Now.ToUnixTimeSeconds(), body, "whsec_someone_else");
        using var response = await server.PostAsync(body, header);
        await AssertRejectedAsync(server, response, HttpStatusCode.BadRequest, "invalid_signature");
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public async Task Timestamp_outside_tolerance_answers_400_past_or_future(int offsetSeconds)
    {
        await using var server = await WebhookTestServer.StartAsync();
        var body = SampleEvents.ToBytes(SampleEvents.Build("customer.created"));
        var header = StripeSigner.Header(server.Clock.Now.ToUnixTimeSeconds() + offsetSeconds, body, WebhookTestServer.Secret);
        using var response = await server.PostAsync(body, header);
        await AssertRejectedAsync(server, response, HttpStatusCode.BadRequest, "timestamp_out_of_tolerance");
    }

    [Theory]
    [InlineData("""{"hello":"world"}""")]
    [InlineData("""not json at all""")]
    [InlineData("""{"id":"evt_1","type":"customer.created"}""")]
    [InlineData("")]
    public async Task Signed_body_that_is_not_a_stripe_event_answers_400_malformed_event(string text)
    {
        await using var server = await WebhookTestServer.StartAsync();
        using var response = await server.PostSignedAsync(Encoding.UTF8.GetBytes(text));
        await AssertRejectedAsync(server, response, HttpStatusCode.BadRequest, "malformed_event");
    }

    [Theory]
    [InlineData("evt_bad_\u0000nul")]
    [InlineData("evt_bell_\u0007")]
    [InlineData("evt_\u00e9t\u00e9")]
    [InlineData("evt_line\nbreak")]
    [InlineData(null)]
    public async Task Signed_event_id_stripe_could_never_send_answers_400_malformed_event_naming_the_field(string? id)
    {
        // null: 256 characters, one past the limit.
        id ??= "evt_" + new string('a', 252);
        await using var server = await WebhookTestServer.StartAsync();
        using var response = await server.PostSignedAsync(SampleEvents.Build("customer.created", id));
        await AssertRejectedAsync(server, response, HttpStatusCode.BadRequest, "malformed_event");
        Assert.Contains("\"id\"", (await JsonBody.ReadAsync(response)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1000000000000000000000000000000")]
    [InlineData("-1000000000000000000000000000000")]
    [InlineData("253402300800")]
    [InlineData("1700000000.5")]
    public async Task Signed_event_created_no_timestamp_can_hold_answers_400_malformed_event_naming_the_field(string created)
    {
        await using var server = await WebhookTestServer.StartAsync();
        var body = WithCreated(SampleEvents.Build("customer.created", "evt_bad_created"), created);
        using var response = await server.PostSignedAsync(body);
        await AssertRejectedAsync(server, response, HttpStatusCode.BadRequest, "malformed_event");
        Assert.Contains("\"created\"", (await JsonBody.ReadAsync(response)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_nobody_anticipated_answers_the_json_500_and_writes_the_failure_ledger()
    {
        await using var server = await WebhookTestServer.StartWithHandlersAsync(settings: null, new UnreadableFailureHandler("customer.created"));
        using var response = await server.PostSignedAsync(SampleEvents.Build("customer.created", "evt_unanticipated"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var json = await JsonBody.ReadAsync(response);
        Assert.Equal("processing_failed", json.GetProperty("error").GetString());
        Assert.Equal("evt_unanticipated", json.GetProperty("eventId").GetString());
        Assert.Equal(1, await server.ScalarAsync<int>("SELECT attempts FROM stripe_event_failures WHERE event_id = 'evt_unanticipated' AND payload IS NOT NULL"));
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM processed_stripe_events"));
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM test_side_effects"));
    }

    [Fact]
    public async Task Body_over_the_limit_answers_413()
    {
        await using var server = await WebhookTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Webhooks__MaxBodyBytes"] = "2048" });
        var body = SampleEvents.ToBytes(SampleEvents.Build("customer.subscription.updated"));
        Assert.True(body.Length > 2048);
        using var response = await server.PostSignedAsync(body);
        await AssertRejectedAsync(server, response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task A_50_MB_chunked_body_is_refused_without_being_read_whole()
    {
        await using var server = await WebhookTestServer.StartAsync();
        var content = new CountingStreamContent(50 * 1024 * 1024);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/stripe/webhook") { Content = content };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", "t=1,v1=00");
        HttpResponseMessage? response = null;
        try
        {
            response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        }
        catch (HttpRequestException)
        {
            // Kestrel may close the connection instead of draining the rest: also "not buffered whole".
        }

        if (response is not null)
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            response.Dispose();
        }

        Assert.True(content.BytesWritten < 50 * 1024 * 1024, $"the whole body was sent ({content.BytesWritten} bytes)");
        Assert.Equal(0L, await server.CountAllRowsAsync());
    }

    [Fact]
    public async Task Handler_failure_answers_500_processing_failed()
    {
        var handler = new FailingHandler(failures: int.MaxValue, "customer.created");
        await using var server = await WebhookTestServer.StartWithHandlersAsync(settings: null, handler);
        using var response = await server.PostSignedAsync(SampleEvents.Build("customer.created", "evt_fails"));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("processing_failed", await JsonBody.ErrorAsync(response));
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM processed_stripe_events"));
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM test_side_effects"));
    }

    [Fact]
    public async Task Unreachable_database_answers_503_and_health_says_so()
    {
        // A port nothing listens on: the pipeline cannot reach Postgres.
        var closedPort = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closedPort.Start();
        var port = ((IPEndPoint)closedPort.LocalEndpoint).Port;
        closedPort.Stop();
        await using var server = await WebhookTestServer.StartAsync(connectionString: $"Host=127.0.0.1;Port={port};Username=postgres;Database=none;Timeout=2");

        using var response = await server.PostSignedAsync(SampleEvents.Build("customer.created", "evt_no_db"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("database_unavailable", await JsonBody.ErrorAsync(response));
        Assert.Equal("evt_no_db", (await JsonBody.ReadAsync(response)).GetProperty("eventId").GetString());

        using var health = await server.Client.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }

    [Fact]
    public async Task Health_answers_200_ok_when_postgres_answers()
    {
        await using var server = await WebhookTestServer.StartAsync();
        using var health = await server.Client.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok", (await JsonBody.ReadAsync(health)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Wrong_method_is_refused_without_a_5xx_or_a_row()
    {
        await using var server = await WebhookTestServer.StartAsync();
        using var response = await server.Client.GetAsync("/api/stripe/webhook");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(0L, await server.CountAllRowsAsync());
    }

    private static async Task AssertRejectedAsync(WebhookTestServer server, HttpResponseMessage response, HttpStatusCode status, string error)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(error, await JsonBody.ErrorAsync(response));
        Assert.Equal(0L, await server.CountAllRowsAsync());
    }

    /// <summary><paramref name="stripeEvent"/> serialized with <c>created</c> set to <paramref name="created"/>, verbatim.</summary>
    private static byte[] WithCreated(System.Text.Json.Nodes.JsonObject stripeEvent, string created)
    {
        stripeEvent["created"] = 1234567;
        return Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(SampleEvents.ToBytes(stripeEvent)).Replace("\"created\":1234567", $"\"created\":{created}", StringComparison.Ordinal));
    }

    /// <summary>Streams zeros without a Content-Length and counts what the server actually took.</summary>
    private sealed class CountingStreamContent(long length) : HttpContent
    {
        public long BytesWritten { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            while (BytesWritten < length)
            {
                await stream.WriteAsync(chunk);
                BytesWritten += chunk.Length;
            }
        }

        protected override bool TryComputeLength(out long computedLength)
        {
            computedLength = 0;
            return false;
        }
    }
}
