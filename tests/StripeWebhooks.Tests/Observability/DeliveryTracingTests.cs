using System.Diagnostics;
using System.Net;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StripeWebhooks.Development;
using StripeWebhooks.Observability;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Observability;

/// <summary>What an OpenTelemetry exporter receives from the pipeline, through the in-memory exporter.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class DeliveryTracingTests
{
    private const string FailingType = "test.traced_failure";

    // Sits in the payloads below; must never reach a span.
    private const string PayloadMarker = "cus_payload_marker_7f3a";

    private static readonly HashSet<string> AllowedTags =
    [
        WebhookTracing.EventIdTag, WebhookTracing.EventTypeTag, WebhookTracing.OutcomeTag,
        WebhookTracing.ReasonTag, WebhookTracing.SecretIndexTag, WebhookTracing.AttemptsTag,
    ];

    [Fact]
    public async Task Each_delivery_is_one_span_with_its_outcome_and_npgsql_commands_under_it()
    {
        var spans = new List<Activity>();
        using (var tracing = Sdk.CreateTracerProviderBuilder().AddStripeWebhooksInstrumentation().AddInMemoryExporter(spans).Build())
        {
            await using var server = await WebhookTestServer.StartWithHandlersAsync(null, new FailingHandler(failures: 1, FailingType));
            await PostEveryOutcomeAsync(server);
            tracing.ForceFlush();
        }

        var deliveries = spans.Where(s => s.Source.Name == WebhookTracing.SourceName).ToList();
        Assert.All(deliveries, s => Assert.Equal(WebhookTracing.DeliverySpanName, s.OperationName));
        Assert.Equal(
            ["duplicate", "failed", "processed", "rejected", "rejected"],
            deliveries.Select(s => (string)s.GetTagItem(WebhookTracing.OutcomeTag)!).Order(StringComparer.Ordinal));

        var processed = Single(deliveries, "processed");
        Assert.Equal("evt_traced_processed", processed.GetTagItem(WebhookTracing.EventIdTag));
        Assert.Equal("customer.created", processed.GetTagItem(WebhookTracing.EventTypeTag));
        Assert.Equal(0, processed.GetTagItem(WebhookTracing.SecretIndexTag));
        Assert.Equal(ActivityStatusCode.Unset, processed.Status);

        Assert.Equal("evt_traced_processed", Single(deliveries, "duplicate").GetTagItem(WebhookTracing.EventIdTag));

        var failed = Single(deliveries, "failed");
        Assert.Equal("evt_traced_failed", failed.GetTagItem(WebhookTracing.EventIdTag));
        Assert.Equal(1, failed.GetTagItem(WebhookTracing.AttemptsTag));
        Assert.Equal(ActivityStatusCode.Error, failed.Status);

        var rejected = deliveries.Where(s => (string?)s.GetTagItem(WebhookTracing.OutcomeTag) == "rejected").ToList();
        Assert.Equal(["invalid_signature", "malformed_event"], rejected.Select(s => (string)s.GetTagItem(WebhookTracing.ReasonTag)!).Order(StringComparer.Ordinal));
        Assert.All(rejected, s => Assert.Null(s.GetTagItem(WebhookTracing.EventIdTag)));

        // Never the payload: only the known tags, and no value carries anything from a body.
        Assert.All(deliveries, s => Assert.Subset(AllowedTags, s.TagObjects.Select(t => t.Key).ToHashSet()));
        Assert.DoesNotContain(deliveries.SelectMany(s => s.TagObjects), t => Convert.ToString(t.Value, null)!.Contains(PayloadMarker, StringComparison.Ordinal));

        // Npgsql's command spans are children of the delivery that ran them; a rejected delivery runs none.
        foreach (var delivery in new[] { processed, Single(deliveries, "duplicate"), failed })
        {
            var commands = spans.Where(s => s.Source.Name == "Npgsql" && s.ParentSpanId == delivery.SpanId).ToList();
            Assert.NotEmpty(commands);
            Assert.All(commands, c => Assert.Equal(delivery.TraceId, c.TraceId));
        }

        Assert.All(rejected, r => Assert.DoesNotContain(spans, s => s.ParentSpanId == r.SpanId));
        // Once deliveries start, every command with a parent belongs to a delivery (before, the test set up its database
        // and migrated it). Background services (the outbox sweep, whenever the timer fires) run theirs as roots.
        var firstDelivery = deliveries.Min(d => d.StartTimeUtc);
        Assert.All(spans.Where(s => s.Source.Name == "Npgsql" && s.StartTimeUtc >= firstDelivery && s.ParentSpanId != default),
            s => Assert.Contains(deliveries, d => d.SpanId == s.ParentSpanId));
    }

    [Fact]
    public async Task The_deliveries_counter_counts_each_outcome()
    {
        var exported = new List<Metric>();
        var counts = new Dictionary<string, long>();
        using (var meters = Sdk.CreateMeterProviderBuilder().AddStripeWebhooksInstrumentation().AddInMemoryExporter(exported).Build())
        {
            await using var server = await WebhookTestServer.StartWithHandlersAsync(null, new FailingHandler(failures: 1, FailingType));
            await PostEveryOutcomeAsync(server);
            meters.ForceFlush();

            // Read now: the exporter hands over live Metric objects.
            foreach (var metric in exported.Where(m => m.Name == "stripe_webhooks.deliveries"))
            {
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    var tags = new Dictionary<string, object?>();
                    foreach (var tag in point.Tags)
                    {
                        tags[tag.Key] = tag.Value;
                    }

                    var key = tags.TryGetValue("reason", out var reason) ? $"{tags["outcome"]}/{reason}" : (string)tags["outcome"]!;
                    counts[key] = point.GetSumLong();
                }
            }
        }

        Assert.Equal(
            new Dictionary<string, long>
            {
                ["processed"] = 1,
                ["duplicate"] = 1,
                ["failed"] = 1,
                ["rejected/invalid_signature"] = 1,
                ["rejected/malformed_event"] = 1,
            },
            counts);
    }

    [Fact]
    public async Task An_event_of_the_mode_not_applied_is_its_own_outcome_in_the_span_and_the_counter()
    {
        var spans = new List<Activity>();
        var exported = new List<Metric>();
        long ignored = 0;
        using (var tracing = Sdk.CreateTracerProviderBuilder().AddStripeWebhooksInstrumentation().AddInMemoryExporter(spans).Build())
        using (var meters = Sdk.CreateMeterProviderBuilder().AddStripeWebhooksInstrumentation().AddInMemoryExporter(exported).Build())
        {
            await using var server = await WebhookTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Stripe__Livemode"] = "true" });
            var testMode = SampleEvents.Build("customer.subscription.created", "evt_traced_test_mode");
            testMode["livemode"] = false;
            await ExpectAsync(HttpStatusCode.OK, server.PostSignedAsync(testMode));
            tracing.ForceFlush();
            meters.ForceFlush();
            foreach (var metric in exported.Where(m => m.Name == "stripe_webhooks.deliveries"))
            {
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    foreach (var tag in point.Tags)
                    {
                        ignored += tag is { Key: "outcome", Value: "ignored_livemode" } ? point.GetSumLong() : 0;
                    }
                }
            }
        }

        var delivery = Assert.Single(spans, s => s.Source.Name == WebhookTracing.SourceName);
        Assert.Equal("ignored_livemode", delivery.GetTagItem(WebhookTracing.OutcomeTag));
        Assert.Equal("evt_traced_test_mode", delivery.GetTagItem(WebhookTracing.EventIdTag));
        Assert.Equal(ActivityStatusCode.Unset, delivery.Status);
        Assert.DoesNotContain(spans, s => s.ParentSpanId == delivery.SpanId);
        Assert.Equal(1, ignored);
    }

    [Fact]
    public void Without_a_listener_no_delivery_span_is_created()
    {
        // Nothing in this collection is listening now: the hot path gets null and does no tagging at all.
        Assert.Null(WebhookTracing.StartDelivery());
    }

    private static Activity Single(List<Activity> deliveries, string outcome) =>
        Assert.Single(deliveries, s => (string?)s.GetTagItem(WebhookTracing.OutcomeTag) == outcome);

    // processed, duplicate, failed (500), invalid_signature and malformed_event (400): one delivery each.
    private static async Task PostEveryOutcomeAsync(WebhookTestServer server)
    {
        var processed = SampleEvents.Build("customer.created", "evt_traced_processed");
        processed["data"]!["object"]!["description"] = PayloadMarker;
        var failing = SampleEvents.Build(FailingType, "evt_traced_failed");
        failing["data"]!["object"]!["description"] = PayloadMarker;
        var notAnEvent = Encoding.UTF8.GetBytes($$"""{"object":"{{PayloadMarker}}"}""");

        await ExpectAsync(HttpStatusCode.OK, server.PostSignedAsync(processed));
        await ExpectAsync(HttpStatusCode.OK, server.PostSignedAsync(processed));
        await ExpectAsync(HttpStatusCode.InternalServerError, server.PostSignedAsync(failing));
        await ExpectAsync(HttpStatusCode.BadRequest, server.PostAsync(SampleEvents.ToBytes(processed), "t=1,v1=" + new string('0', 64)));
        await ExpectAsync(HttpStatusCode.BadRequest, server.PostSignedAsync(notAnEvent));
    }

    private static async Task ExpectAsync(HttpStatusCode expected, Task<HttpResponseMessage> response)
    {
        using var message = await response;
        Assert.Equal(expected, message.StatusCode);
    }
}
