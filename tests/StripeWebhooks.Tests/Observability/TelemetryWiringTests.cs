using System.Diagnostics;
using System.Text.Json.Nodes;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StripeWebhooks.Cli.Commands;
using StripeWebhooks.Observability;
using StripeWebhooks.Tests.Functions;
using StripeWebhooks.Tests.Support;
using StripeWebhooks.WebhookFunction;

namespace StripeWebhooks.Tests.Observability;

/// <summary>Each host exports only when its setting says where to: otherwise no provider, so no listener and no cost.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryWiringTests
{
    // Nothing listens on port 9 (discard): whatever the exporter tries to send goes nowhere.
    private const string ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/;LiveEndpoint=http://127.0.0.1:9/";

    private static Dictionary<string, string?> FunctionAppSettings(string? applicationInsights)
    {
        var settings = FunctionSettings.For("Host=127.0.0.1;Port=9;Database=unused;Username=unused");
        if (applicationInsights is not null)
        {
            settings[StripeWebhookFunctionApp.ApplicationInsightsConnectionString] = applicationInsights;
            settings[ApplicationInsightsCredential.AuthenticationStringSetting] = "ClientId=11111111-2222-3333-4444-555555555555;Authorization=AAD";
        }

        return settings;
    }

    [Fact]
    public void The_function_app_exports_traces_and_metrics_when_application_insights_is_configured()
    {
        using var app = FunctionApp.Build(FunctionAppSettings(ConnectionString));

        Assert.NotNull(app.Services.GetService<TracerProvider>());
        Assert.NotNull(app.Services.GetService<MeterProvider>());
    }

    [Fact]
    public void The_function_app_registers_no_telemetry_without_an_application_insights_connection_string()
    {
        using var app = FunctionApp.Build(FunctionAppSettings(applicationInsights: null));

        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
    }

    [Fact]
    public void In_the_worker_the_delivery_span_is_recorded_as_a_child_of_the_function_invocation()
    {
        using var app = FunctionApp.Build(FunctionAppSettings(ConnectionString));
        Assert.NotNull(app.Services.GetService<TracerProvider>());

        // What the worker does per invocation: an activity of its own source, parented on the traceparent the Functions
        // host sent (sampled: the host keeps every span, host.json). The request the host proxies to the worker's
        // ASP.NET Core integration is not recorded: it would be a second server span, and the host's is the real one.
        using var worker = new ActivitySource("Microsoft.Azure.Functions.Worker");
        var host = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        using var invocation = worker.StartActivity("Invoke", ActivityKind.Internal, host);
        using var delivery = WebhookTracing.StartDelivery();

        Assert.True(invocation is { Recorded: true }, "the worker's invocation span is not recorded");
        Assert.True(delivery is { Recorded: true }, "the delivery span is not recorded");
        Assert.Equal((invocation.TraceId, invocation.SpanId), (delivery.TraceId, delivery.ParentSpanId));
        Assert.False(new ActivitySource("Microsoft.AspNetCore").HasListeners());
    }

    [Fact]
    public void The_functions_host_exports_through_opentelemetry_too_so_its_spans_and_the_workers_join_up()
    {
        var hostJson = JsonNode.Parse(File.ReadAllText(RepositoryRoot.PathOf("host.json")))!;

        Assert.Equal("OpenTelemetry", (string?)hostJson["telemetryMode"]);
    }

    [Theory]
    [InlineData("ClientId=11111111-2222-3333-4444-555555555555;Authorization=AAD")]
    [InlineData("Authorization=aad")]
    public void Entra_authorization_signs_telemetry_in_as_a_managed_identity(string authenticationString)
    {
        Assert.IsType<ManagedIdentityCredential>(ApplicationInsightsCredential.FromAuthenticationString(authenticationString));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ClientId=11111111-2222-3333-4444-555555555555")]
    public void Without_entra_authorization_telemetry_has_no_credential(string? authenticationString)
    {
        Assert.Null(ApplicationInsightsCredential.FromAuthenticationString(authenticationString));
    }

    [Fact]
    public void Serve_exports_over_otlp_only_when_an_endpoint_is_set()
    {
        var without = new ServiceCollection();
        Assert.False(without.AddOtlpExportWhenConfigured(new ConfigurationBuilder().Build()));
        using (var provider = without.BuildServiceProvider())
        {
            Assert.Null(provider.GetService<TracerProvider>());
        }

        var with = new ServiceCollection();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [ServeTelemetry.EndpointSetting] = "http://127.0.0.1:9" })
            .Build();
        Assert.True(with.AddOtlpExportWhenConfigured(configuration));
        using (var provider = with.BuildServiceProvider())
        {
            Assert.NotNull(provider.GetService<TracerProvider>());
            Assert.NotNull(provider.GetService<MeterProvider>());
            // Each request's server span, the parent the delivery span needs to be sampled (ServeTracingTests).
            Assert.True(new ActivitySource("Microsoft.AspNetCore").HasListeners());
        }
    }
}
