using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StripeWebhooks.Observability;

namespace StripeWebhooks.Cli.Commands;

/// <summary><c>webhooks serve</c>'s telemetry: the function app's spans and metrics, over OTLP, only when asked for.</summary>
internal static class ServeTelemetry
{
    /// <summary>The standard OpenTelemetry variable; the exporter reads it (and the other OTEL_EXPORTER_OTLP_* ones) itself.</summary>
    public const string EndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, exports the delivery spans, the <c>StripeWebhooks</c> meter and Npgsql's
    /// over OTLP. Without it, registers nothing: no listener, so the delivery span is never even created.
    /// </summary>
    public static bool AddOtlpExportWhenConfigured(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrEmpty(configuration[EndpointSetting]))
        {
            return false;
        }

        services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddStripeWebhooksInstrumentation().AddOtlpExporter())
            .WithMetrics(metrics => metrics.AddStripeWebhooksInstrumentation().AddOtlpExporter());
        return true;
    }
}
