using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using StripeWebhooks.Http;
using StripeWebhooks.Scheduling;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Functions;

/// <summary>
/// The function app and `webhooks serve` are two hosts of one pipeline: same routes, same registration method,
/// and function classes that only bind and forward (what the host's functions.metadata will list).
/// </summary>
public partial class FunctionAdapterTests
{
    private static string HostRoutePrefix() =>
        JsonNode.Parse(File.ReadAllText(RepositoryRoot.PathOf("host.json")))!["extensions"]!["http"]!["routePrefix"]!.GetValue<string>();

    /// <summary>"METHOD /path" for every endpoint `webhooks serve` maps.</summary>
    private static HashSet<string> ServeEndpoints()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Webhooks"] = "Host=127.0.0.1;Database=unused",
            ["Stripe:WebhookSecrets:0"] = "whsec_placeholder",
        });
        builder.Services.AddStripeWebhooks(builder.Configuration);
        var app = builder.Build();
        app.MapStripeWebhooks();
        return ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/')}"))
            .ToHashSet();
    }

    [Fact]
    public void Stripe_webhook_function_is_a_keyed_post_on_the_serve_route()
    {
        var function = FunctionSource.HttpFunctionIn("StripeWebhookFunction.cs");
        Assert.Equal(("StripeWebhook", "Function", WebhookRoutes.StripeWebhook), (function.Name, function.AuthorizationLevel, function.Route));
        Assert.Equal(["POST"], function.Methods);
        Assert.Contains($"POST /{HostRoutePrefix()}/{function.Route}", ServeEndpoints());
    }

    [Fact]
    public void Health_function_is_an_anonymous_get_on_the_serve_route()
    {
        var function = FunctionSource.HttpFunctionIn("HealthFunction.cs");
        Assert.Equal(("Health", "Anonymous", WebhookRoutes.Health), (function.Name, function.AuthorizationLevel, function.Route));
        Assert.Equal(["GET"], function.Methods);
        Assert.Contains($"GET /{HostRoutePrefix()}/{function.Route}", ServeEndpoints());
    }

    [Fact]
    public void Http_functions_call_the_shared_endpoints_forwarding_cancellation()
    {
        Assert.Contains("endpoint.HandleAsync(request, cancellationToken)", FunctionSource.Read("StripeWebhookFunction.cs"), StringComparison.Ordinal);
        Assert.Contains("endpoint.CheckAsync(cancellationToken)", FunctionSource.Read("HealthFunction.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Purge_function_is_a_timer_on_the_purge_schedule_setting()
    {
        var text = FunctionSource.Read("PurgeProcessedStripeEventsFunction.cs");
        Assert.Equal("PurgeProcessedStripeEvents", FunctionSource.FunctionName().Match(text).Groups[1].Value);
        var timer = TimerTrigger().Match(text);
        Assert.True(timer.Success, "No [TimerTrigger(\"%...%\", RunOnStartup = false)].");
        // %PurgeSchedule% is resolved by the Functions host from app settings, the key the options read too.
        Assert.Equal(PurgeScheduleOptions.Key, timer.Groups["key"].Value);
        Assert.Contains("purger.PurgeExpiredAsync(cancellationToken)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Function_classes_are_thin_adapters()
    {
        foreach (var file in Directory.GetFiles(FunctionSource.Directory, "*Function.cs"))
        {
            var lines = File.ReadAllLines(file);
            Assert.True(lines.Length <= 40, $"{Path.GetFileName(file)} has {lines.Length} lines; a function binds and forwards, logic belongs in src/Shared.");
            Assert.DoesNotMatch(InterpolatedLog(), string.Join('\n', lines));
        }
    }

    [GeneratedRegex(@"\[TimerTrigger\(""%(?<key>\w+)%"",\s*RunOnStartup\s*=\s*false\)\]")]
    private static partial Regex TimerTrigger();

    // Structured templates only: no Log*($"...") anywhere in a function class.
    [GeneratedRegex(@"\.Log\w*\(\s*\$""")]
    private static partial Regex InterpolatedLog();
}
