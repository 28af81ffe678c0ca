using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Infra;

// Reconciliation's settings in the compiled ARM JSON: the API key only ever as a Key Vault reference, from an optional
// secure parameter; the schedule and overlap as plain app settings with the designed defaults.
public sealed class ReconcileInfraTests
{
    static IReadOnlyDictionary<string, string> AppSettings()
    {
        var app = ArmTemplate.Main.Module("functionApp");
        var config = app.Resources("Microsoft.Web/sites/config")
            .Single(r => app.Render(ArmExpression.Parse((string)r["name"]!)).EndsWith("/appsettings", StringComparison.Ordinal));
        return app.ObjectEntries(ArmTemplate.ToExpression(config["properties"])).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
    }

    [Fact]
    public void The_api_key_parameter_is_optional_and_secure()
    {
        var parameter = ArmTemplate.Main.Parameters["stripeApiKey"]!;

        Assert.Equal("securestring", ((string?)parameter["type"])?.ToLowerInvariant());
        Assert.Equal("", (string?)parameter["defaultValue"]);
    }

    [Fact]
    public void The_api_key_setting_is_a_key_vault_reference_or_empty_never_the_key()
    {
        var setting = AppSettings()["Stripe__ApiKey"];

        Assert.Contains("@Microsoft.KeyVault(SecretUri={keyVault.uri}secrets/stripe-api-key/)", setting, StringComparison.Ordinal);
        Assert.Contains("empty(", setting, StringComparison.Ordinal);
        Assert.DoesNotContain("parameters('stripeApiKey')}", setting.Replace("{stripeApiKey}", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void The_key_vault_stores_the_api_key_only_when_one_is_supplied()
    {
        var vault = ArmTemplate.Main.Module("keyVault");
        var secret = vault.Resources("Microsoft.KeyVault/vaults/secrets")
            .Single(r => ((string?)r["properties"]!["contentType"])!.Contains("API key", StringComparison.Ordinal));

        Assert.Contains("empty", (string?)secret["condition"], StringComparison.Ordinal);
        Assert.Equal("securestring", ((string?)vault.Parameters["stripeApiKey"]!["type"])?.ToLowerInvariant());
    }

    [Fact]
    public void Schedule_and_overlap_are_app_settings_with_the_designed_defaults()
    {
        var settings = AppSettings();

        Assert.Equal("{reconcileSchedule}", settings["ReconcileSchedule"]);
        Assert.Equal("{reconcileOverlapMinutes}", settings["Reconcile__OverlapMinutes"]);
        Assert.Equal("0 */15 * * * *", (string?)ArmTemplate.Main.Parameters["reconcileSchedule"]!["defaultValue"]);
        Assert.Equal(60, (int?)ArmTemplate.Main.Parameters["reconcileOverlapMinutes"]!["defaultValue"]);
    }

    [Fact]
    public void The_sample_settings_switch_reconciliation_off_and_carry_the_schedule()
    {
        var sample = File.ReadAllText(RepositoryRoot.PathOf("local.settings.sample.json"));

        Assert.Contains("\"Stripe__ApiKey\": \"\"", sample, StringComparison.Ordinal);
        Assert.Contains("\"ReconcileSchedule\": \"0 */15 * * * *\"", sample, StringComparison.Ordinal);
        Assert.Contains("\"Reconcile__OverlapMinutes\": \"60\"", sample, StringComparison.Ordinal);
    }
}
