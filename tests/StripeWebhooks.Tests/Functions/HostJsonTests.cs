using System.Text.Json.Nodes;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Functions;

/// <summary>host.json at the repository root: the Functions host's configuration, copied into the app's output.</summary>
public class HostJsonTests
{
    private static JsonNode HostJson() => JsonNode.Parse(File.ReadAllText(RepositoryRoot.PathOf("host.json")))!;

    [Fact]
    public void Host_json_is_schema_version_2()
    {
        Assert.Equal("2.0", HostJson()["version"]!.GetValue<string>());
    }

    [Fact]
    public void Route_prefix_is_the_one_serve_uses()
    {
        // The function answers on /{routePrefix}/{route}; `webhooks serve` maps /{WebhookRoutes.Prefix}/{route}.
        Assert.Equal(WebhookRoutes.Prefix, HostJson()["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
    }

    [Fact]
    public void Request_telemetry_is_never_sampled_away()
    {
        var sampling = HostJson()["logging"]!["applicationInsights"]!["samplingSettings"]!;
        var excluded = sampling["excludedTypes"]!.GetValue<string>().Split(';', StringSplitOptions.TrimEntries);
        Assert.Contains("Request", excluded);
    }

    [Fact]
    public void Function_timeout_fits_every_plan_and_leaves_the_purge_room()
    {
        var timeout = TimeSpan.Parse(HostJson()["functionTimeout"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        // Consumption caps functionTimeout at 10 minutes; the purge runs in short batches well inside that.
        Assert.InRange(timeout, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10));
    }

    [Fact]
    public void Host_json_has_no_extension_bundle()
    {
        // A compiled (isolated worker) app gets its extensions from the build; Core Tools refuses a bundle here.
        Assert.Null(HostJson()["extensionBundle"]);
    }
}
