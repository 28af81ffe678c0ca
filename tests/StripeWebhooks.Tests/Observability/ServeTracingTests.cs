using System.Net;
using System.Text;
using StripeWebhooks.Development;
using StripeWebhooks.Observability;
using StripeWebhooks.Tests.Support;
using Xunit.Abstractions;

namespace StripeWebhooks.Tests.Observability;

/// <summary>
/// What `webhooks serve` exports through its real HTTP stack (Kestrel and ASP.NET Core's hosting layer, which the
/// in-memory tests never go through) and the real OTLP exporter, into a local OTLP/HTTP sink (see #24).
/// </summary>
public sealed class ServeTracingTests(ITestOutputHelper output)
{
    private const string Secret = "whsec_serve_tracing_5f2b81c0d94e";

    [Fact]
    public async Task A_delivery_exports_one_delivery_span_under_the_server_span_with_npgsql_spans_under_it_and_no_payload()
    {
        await using var sink = await OtlpSink.StartAsync();
        await using var serve = await ServeProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Webhooks"] = await TestDatabase.CreateAsync(),
            ["Stripe__WebhookSecrets__0"] = Secret,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = sink.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "100",
        });
        // In the payload only: in the data object, and in the customer id the handlers bind as a parameter.
        var marker = "payload_marker_" + Guid.NewGuid().ToString("N");
        var stripeEvent = SampleEvents.Build("customer.subscription.updated", "evt_serve_traced", customerId: "cus_" + marker);
        stripeEvent["data"]!["object"]!["description"] = marker;

        using (var response = await serve.PostSignedAsync(SampleEvents.ToBytes(stripeEvent), Secret))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // SIGTERM: serve disposes its providers, which export whatever is still batched. Nothing waits on a clock.
        Assert.Equal(0, await serve.TerminateAsync());
        var spans = sink.Spans;

        var delivery = Assert.Single(spans, s => s.Name == WebhookTracing.DeliverySpanName);
        Assert.Equal("evt_serve_traced", delivery.Attributes.GetValueOrDefault(WebhookTracing.EventIdTag));
        Assert.Equal("processed", delivery.Attributes.GetValueOrDefault(WebhookTracing.OutcomeTag));
        var server = Assert.Single(spans, s => s.SpanId == delivery.ParentSpanId);
        Assert.Equal((OtlpSpan.ServerKind, "Microsoft.AspNetCore", delivery.TraceId, ""), (server.Kind, server.Scope, server.TraceId, server.ParentSpanId));
        Assert.Equal("POST /api/stripe/webhook", server.Name);
        var commands = spans.Where(s => s.ParentSpanId == delivery.SpanId).ToList();
        Assert.NotEmpty(commands);
        Assert.All(commands, c => Assert.Equal("Npgsql", c.Scope));
        Assert.All(spans.Where(s => s.TraceId == delivery.TraceId), s => Assert.True(s == server || s == delivery || commands.Contains(s), $"{s.Name} is not under the delivery"));
        output.WriteLine(Tree(spans.Where(s => s.TraceId == delivery.TraceId).ToList(), server, ""));

        // No byte of the payload in any export: traces, metrics, or anything else serve sent.
        var payload = Encoding.UTF8.GetBytes(marker);
        Assert.Contains(sink.Exports, e => e.Path == "/v1/metrics");
        Assert.All(sink.Exports, e => Assert.True(e.Body.AsSpan().IndexOf(payload) < 0, $"an export to {e.Path} carries the payload"));
    }

    private static string Tree(IReadOnlyList<OtlpSpan> trace, OtlpSpan root, string indent) =>
        $"{indent}{root.Name} [{root.Scope}, kind {root.Kind}, span {root.SpanId}, parent {(root.ParentSpanId.Length == 0 ? "none" : root.ParentSpanId)}]\n"
        + string.Concat(trace.Where(s => s.ParentSpanId == root.SpanId).Select(child => Tree(trace, child, indent + "  ")));
}
