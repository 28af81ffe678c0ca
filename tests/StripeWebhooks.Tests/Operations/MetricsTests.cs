using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using StripeWebhooks.Development;
using StripeWebhooks.Observability;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Operations;

public class MetricsTests
{
    [Fact]
    public async Task Deliveries_rejections_and_secret_matches_are_counted()
    {
        var measurements = new ConcurrentBag<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        await using var server = await WebhookTestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Stripe__WebhookSecrets__1"] = "whsec_retiring",
        });
        var meterFactory = (IMeterFactory)server.Services.GetService(typeof(IMeterFactory))!;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this server's meter: other tests run their own servers in parallel.
            if (instrument.Meter.Name == WebhookMetrics.MeterName && instrument.Meter.Scope == meterFactory)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            measurements.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();

        var body = SampleEvents.ToBytes(SampleEvents.Build("customer.created", "evt_metrics"));
        (await server.PostSignedAsync(body)).Dispose();
        (await server.PostSignedAsync(body)).Dispose();
        (await server.PostAsync(body, StripeSigner.Header(server.Clock.Now.ToUnixTimeSeconds(), body, "whsec_retiring"))).Dispose();
        (await server.PostAsync(body, signatureHeader: null)).Dispose();

        int Count(string instrument, string tag, object value) =>
            measurements.Where(m => m.Instrument == instrument && Equals(m.Tags.GetValueOrDefault(tag), value)).Sum(m => (int)m.Value);
        Assert.Equal(1, Count("stripe_webhooks.deliveries", "outcome", "processed"));
        Assert.Equal(2, Count("stripe_webhooks.deliveries", "outcome", "duplicate"));
        Assert.Equal(1, Count("stripe_webhooks.deliveries", "reason", "missing_signature"));
        Assert.Equal(2, Count("stripe_webhooks.signature.matches", "secret_index", 0));
        Assert.Equal(1, Count("stripe_webhooks.signature.matches", "secret_index", 1));
    }
}
