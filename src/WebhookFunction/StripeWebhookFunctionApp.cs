using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using StripeWebhooks.Observability;

namespace StripeWebhooks.WebhookFunction;

/// <summary>The function app's wiring, in one place: <c>Program.cs</c> runs it and the tests build the same host.</summary>
public static class StripeWebhookFunctionApp
{
    /// <summary>App setting that switches telemetry on (the Bicep sets it; locally it is usually absent).</summary>
    public const string ApplicationInsightsConnectionString = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// ASP.NET Core integration (the HTTP triggers bind <c>HttpRequest</c> and return <c>IResult</c>), the
    /// shared registration that <c>webhooks serve</c> calls too, and, when
    /// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, OpenTelemetry to Application Insights.
    /// </summary>
    /// <remarks>
    /// Every option is registered with <c>ValidateOnStart</c>, so a misconfigured app stops in <c>StartAsync</c>,
    /// naming the key, before the worker connects to the Functions host.
    /// </remarks>
    public static FunctionsApplicationBuilder AddStripeWebhookFunctions(this FunctionsApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddStripeWebhooks(builder.Configuration);
        if (!string.IsNullOrEmpty(builder.Configuration[ApplicationInsightsConnectionString]))
        {
            AddApplicationInsightsTelemetry(builder);
        }

        return builder;
    }

    /// <remarks>
    /// The delivery spans, the <c>StripeWebhooks</c> meter and Npgsql's, exported by the Azure Monitor exporter (it
    /// reads the connection string itself). <c>UseFunctionsWorkerDefaults</c> makes the worker's spans children of the
    /// host's invocation, which host.json's <c>"telemetryMode": "OpenTelemetry"</c> exports to the same resource. The
    /// Application Insights resource accepts only Entra tokens: <see cref="ApplicationInsightsCredential"/> signs in as
    /// the identity <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> names. No sampling: every delivery's span is kept.
    /// </remarks>
    private static void AddApplicationInsightsTelemetry(FunctionsApplicationBuilder builder)
    {
        var credential = ApplicationInsightsCredential.FromAuthenticationString(
            builder.Configuration[ApplicationInsightsCredential.AuthenticationStringSetting]);
        builder.Services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing.AddStripeWebhooksInstrumentation())
            .WithMetrics(metrics => metrics.AddStripeWebhooksInstrumentation())
            .UseAzureMonitorExporter(options =>
            {
                options.Credential = credential;
                options.SamplingRatio = 1.0F;
                options.TracesPerSecond = null;
            });
    }
}
