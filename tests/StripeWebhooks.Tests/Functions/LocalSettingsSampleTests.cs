using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Functions;

/// <summary>local.settings.sample.json: what a developer copies to src/WebhookFunction/local.settings.json.</summary>
public partial class LocalSettingsSampleTests
{
    /// <summary>The settings of the original design (a trailing <c>__</c> is a prefix).</summary>
    public static readonly TheoryData<string> DesignSettings = new(Support.DesignSettings.Keys);

    private static string SampleText() => File.ReadAllText(RepositoryRoot.PathOf("local.settings.sample.json"));

    private static JsonObject Sample() => JsonNode.Parse(SampleText())!.AsObject();

    private static Dictionary<string, string> Values() =>
        Sample()["Values"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());

    [Fact]
    public void Sample_is_valid_json_with_string_values()
    {
        var values = Sample()["Values"]!.AsObject();
        // Core Tools refuses numbers and booleans in Values: every app setting is a string.
        Assert.All(values, p => Assert.Equal(JsonValueKind.String, p.Value!.GetValueKind()));
        Assert.False(Sample()["IsEncrypted"]!.GetValue<bool>());
    }

    [Fact]
    public void Sample_runs_the_isolated_worker_with_azurite_storage()
    {
        var values = Values();
        Assert.Equal("dotnet-isolated", values["FUNCTIONS_WORKER_RUNTIME"]);
        // The timer trigger keeps its singleton lease and schedule in AzureWebJobsStorage: Azurite locally.
        Assert.Equal("UseDevelopmentStorage=true", values["AzureWebJobsStorage"]);
    }

    [Theory]
    [MemberData(nameof(DesignSettings))]
    public void Sample_has_every_pinned_setting(string key)
    {
        var keys = Values().Keys;
        Assert.Contains(keys, k => key.EndsWith("__", StringComparison.Ordinal) ? k.StartsWith(key, StringComparison.Ordinal) && k.Length > key.Length : k == key);
    }

    /// <summary>Documented, and left out of the sample on purpose: unset, a developer's endpoint applies both modes' events.</summary>
    private static readonly string[] UnsetInTheSample = ["Stripe__Livemode"];

    [Fact]
    public void Sample_leaves_stripe_livemode_unset_so_test_events_apply_locally()
    {
        Assert.DoesNotContain("Stripe__Livemode", Values().Keys);
    }

    [Fact]
    public void Sample_has_every_documented_setting()
    {
        var keys = Values().Keys;
        var documented = DocumentedSettings().Except(UnsetInTheSample).ToList();
        Assert.NotEmpty(documented);
        Assert.All(documented, key => Assert.Contains(keys, k => key.EndsWith("__", StringComparison.Ordinal) ? k.StartsWith(key, StringComparison.Ordinal) : k == key));
    }

    [Fact]
    public void Sample_maps_the_price_webhooks_send_bills_so_the_documented_send_is_processed()
    {
        Assert.Equal(Development.SampleEvents.SampleTier, Values()["Billing__Prices__" + Development.SampleEvents.SamplePriceId]);
    }

    [Fact]
    public void Sample_holds_no_real_secret()
    {
        var text = SampleText();
        // A real signing secret is whsec_ and a long run of letters and digits; placeholders break that run.
        Assert.DoesNotMatch(RealSigningSecret(), text);
        Assert.DoesNotMatch(StripeApiKey(), text);
        Assert.DoesNotContain("AccountKey=", text, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("whsec_", Values()["Stripe__WebhookSecrets__0"], StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_settings_pass_the_start_up_validation()
    {
        // The function app's own host, and the checks its StartAsync runs before the worker connects to the Functions host.
        using var app = FunctionApp.Build(Values()!);
        app.ValidateAsAtStart();
    }

    /// <summary>First key of each table row of docs/configuration.md; <c>&lt;...&gt;</c> parts become prefixes.</summary>
    private static List<string> DocumentedSettings()
    {
        return File.ReadAllLines(RepositoryRoot.PathTo("docs/configuration.md"))
            .Select(l => ReadmeKey().Match(l))
            .Where(m => m.Success)
            .Select(m => m.Groups["key"].Value.Split('<')[0])
            .ToList();
    }

    [GeneratedRegex(@"whsec_[A-Za-z0-9]{16,}")]
    private static partial Regex RealSigningSecret();

    [GeneratedRegex(@"\b[sr]k_(live|test)_[A-Za-z0-9]+")]
    private static partial Regex StripeApiKey();

    [GeneratedRegex(@"^\|\s*`(?<key>[A-Za-z][A-Za-z0-9_<> ]*)`")]
    private static partial Regex ReadmeKey();
}
