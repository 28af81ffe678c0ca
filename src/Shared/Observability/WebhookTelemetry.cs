using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace StripeWebhooks.Observability;

/// <summary>
/// What both hosts export through OpenTelemetry: the <c>StripeWebhooks</c> spans and meter, and Npgsql's. The hosts
/// choose the exporter (the function app Azure Monitor, <c>webhooks serve</c> OTLP) and only when configured to.
/// </summary>
public static class WebhookTelemetry
{
    /// <summary>Subscribes to the delivery spans (<see cref="WebhookTracing"/>) and Npgsql's command spans under them.</summary>
    public static TracerProviderBuilder AddStripeWebhooksInstrumentation(this TracerProviderBuilder builder) =>
        builder.AddSource(WebhookTracing.SourceName).AddNpgsql();

    /// <summary>Subscribes to the <c>StripeWebhooks</c> meter (<see cref="WebhookMetrics"/>) and Npgsql's.</summary>
    public static MeterProviderBuilder AddStripeWebhooksInstrumentation(this MeterProviderBuilder builder) =>
        builder.AddMeter(WebhookMetrics.MeterName).AddNpgsqlInstrumentation();
}
