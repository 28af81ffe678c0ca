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
    /// With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, exports each request's server span with the delivery span under it and
    /// Npgsql's under that, the <c>StripeWebhooks</c> meter and Npgsql's, over OTLP. Without it, registers nothing: no
    /// listener, so the delivery span is never even created.
    /// </summary>
    /// <remarks>
    /// ASP.NET Core starts an activity for every request whether or not anyone records it; unrecorded, the default
    /// parent-based sampler dropped the delivery span under it, and every command span under that (see #24). Recording
    /// the request is also what an OpenTelemetry user expects of an ASP.NET Core server.
    /// </remarks>
    public static bool AddOtlpExportWhenConfigured(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrEmpty(configuration[EndpointSetting]))
        {
            return false;
        }

        services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddStripeWebhooksInstrumentation().AddOtlpExporter())
            .WithMetrics(metrics => metrics.AddStripeWebhooksInstrumentation().AddOtlpExporter());
        return true;
    }
}
