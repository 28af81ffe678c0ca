using StripeWebhooks.Tests.Support;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace StripeWebhooks.Tests.Infra;

// The app settings the compiled template gives the function app must cover every setting docs/configuration.md's
// tables list, or the deployed app starts with a default where the operator meant to choose.
public sealed partial class AppSettingsTests(ITestOutputHelper output)
{
    // Key -> value, rendered (ArmTemplate.Render): "Stripe__WebhookSecrets__{slot}" -> "@Microsoft.KeyVault(...)".
    static readonly Lazy<IReadOnlyDictionary<string, string>> Settings = new(() =>
    {
        var app = ArmTemplate.Main.Module("functionApp");
        var config = app.Resources("Microsoft.Web/sites/config")
            .Single(r => app.Render(ArmExpression.Parse((string)r["name"]!)).EndsWith("/appsettings", StringComparison.Ordinal));
        return app.ObjectEntries(ArmTemplate.ToExpression(config["properties"])).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
    });

    static string Setting(string key) =>
        Settings.Value.TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"{key} is not among the app settings");

    // A key may come from a family: Stripe__WebhookSecrets__0 from Stripe__WebhookSecrets__{slot}.
    static bool IsSet(string key) => key.EndsWith("__", StringComparison.Ordinal)
        ? Settings.Value.Keys.Any(k => k.StartsWith(key, StringComparison.Ordinal) && k.Contains('{', StringComparison.Ordinal))
        : Settings.Value.Keys.Any(k => k == key || Regex.IsMatch(key, "^" + Placeholder().Replace(Regex.Escape(k), ".+") + "$"));

    [Fact]
    public void Every_documented_setting_is_set_on_the_function_app()
    {
        var documented = ConfigurationTableKeys(File.ReadAllText(RepositoryRoot.PathTo(ConfigurationDocument)));

        var missing = documented.Concat(DesignSettings.Keys).Distinct().Where(s => !IsSet(s)).ToList();

        Assert.Contains("Webhooks__PurgeBatchSize", documented);
        Assert.True(missing.Count == 0, $"not set by infra/: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_pinned_setting_is_documented()
    {
        var documented = ConfigurationTableKeys(File.ReadAllText(RepositoryRoot.PathTo(ConfigurationDocument)));

        var undocumented = DesignSettings.Keys.Where(k => !documented.Contains(k, StringComparer.Ordinal)).ToList();
        output.WriteLine($"documented: {string.Join(", ", documented)}");
        Assert.True(undocumented.Count == 0, $"not in {ConfigurationDocument}: {string.Join(", ", undocumented)}");
    }

    [Fact]
    public void Entra_sign_in_to_postgres_is_switched_on_with_the_apps_identity()
    {
        Assert.Equal("true", Setting("Postgres__UseEntraAuth"));
        Assert.Equal("{identity.clientId}", Setting("Postgres__ManagedIdentityClientId"));
    }

    [Fact]
    public void The_connection_string_names_the_identity_verifies_tls_and_has_no_password()
    {
        var connectionString = Setting("ConnectionStrings__Webhooks");

        Assert.StartsWith("Host={postgres.fqdn};Database=webhooks;Username={identity.name};", connectionString, StringComparison.Ordinal);
        Assert.Contains("Ssl Mode=VerifyFull", connectionString, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", connectionString, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Signing_secrets_are_versionless_key_vault_references()
    {
        Assert.Equal("@Microsoft.KeyVault(SecretUri={keyVault.uri}secrets/stripe-webhook-secret-{slot}/)", Setting("Stripe__WebhookSecrets__{slot}"));
    }

    [Fact]
    public void The_purge_runs_at_the_designed_schedule_by_default()
    {
        Assert.Equal("0 17 3 * * *", (string?)ArmTemplate.Main.Parameters["purgeSchedule"]!["defaultValue"]);
        Assert.Equal("{purgeSchedule}", Setting("PurgeSchedule"));
    }

    [Fact]
    public void Only_live_events_are_applied_unless_the_deployment_says_otherwise()
    {
        var parameter = ArmTemplate.Main.Parameters["stripeLivemode"]!;

        Assert.Equal("bool", (string?)parameter["type"]);
        Assert.True((bool)parameter["defaultValue"]!);
        Assert.Equal("{if({stripeLivemode}, true, false)}", Setting("Stripe__Livemode"));
    }

    [Fact]
    public void Host_storage_and_telemetry_use_the_identity_and_flex_consumption_owns_the_runtime()
    {
        Assert.Equal("managedidentity", Setting("AzureWebJobsStorage__credential"));
        Assert.Equal("{identity.clientId}", Setting("AzureWebJobsStorage__clientId"));
        Assert.Equal("{storage.blobEndpoint}", Setting("AzureWebJobsStorage__blobServiceUri"));
        Assert.Equal("{monitoring.applicationInsightsConnectionString}", Setting("APPLICATIONINSIGHTS_CONNECTION_STRING"));
        Assert.Equal("ClientId={identity.clientId};Authorization=AAD", Setting("APPLICATIONINSIGHTS_AUTHENTICATION_STRING"));

        // A plain AzureWebJobsStorage would be a connection string with an account key; Flex
        // Consumption rejects the worker-runtime settings (the runtime is in functionAppConfig).
        Assert.DoesNotContain("AzureWebJobsStorage", Settings.Value.Keys);
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", Settings.Value.Keys);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", Settings.Value.Keys);
    }

    internal const string ConfigurationDocument = "docs/configuration.md";

    // Rows of the tables of docs/configuration.md: every backticked name in the first cell ("`A`, `__1`, ..." and
    // "`A`, `B`" rows), but continuations such as `__1`; "Billing__Prices__<price id>" stands for the family "Billing__Prices__".
    internal static IReadOnlyList<string> ConfigurationTableKeys(string markdown)
    {
        return markdown.Split('\n')
            .Where(line => line.StartsWith("| `", StringComparison.Ordinal))
            .SelectMany(line => TableKey().Matches(line.Split('|')[1]).Select(m => m.Groups["key"].Value))
            .Where(key => !key.StartsWith("__", StringComparison.Ordinal))
            .Select(key => key.Contains('<', StringComparison.Ordinal) ? key[..key.IndexOf('<', StringComparison.Ordinal)] : key)
            .ToList();
    }

    [GeneratedRegex("`(?<key>[^`]+)`")]
    private static partial Regex TableKey();

    [GeneratedRegex(@"\\\{[^}]*}")]
    private static partial Regex Placeholder();
}
