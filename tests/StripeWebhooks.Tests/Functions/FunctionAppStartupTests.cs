using Microsoft.Extensions.Options;

namespace StripeWebhooks.Tests.Functions;

/// <summary>
/// The function app's worker host refuses to start on invalid settings, naming the key: every option is registered
/// with <c>ValidateOnStart</c>, which the host checks in <c>StartAsync</c> before the worker connects to the
/// Functions host.
/// </summary>
public class FunctionAppStartupTests
{
    private static Dictionary<string, string?> ValidSettings() =>
        FunctionSettings.For("Host=127.0.0.1;Database=unused;Username=postgres");

    private static async Task<string> StartFailsAsync(Dictionary<string, string?> settings)
    {
        using var app = FunctionApp.Build(settings);
        return (await Assert.ThrowsAsync<OptionsValidationException>(() => app.Host.StartAsync())).Message;
    }

    [Fact]
    public async Task A_missing_signing_secret_stops_the_host_at_start_naming_the_key()
    {
        var settings = ValidSettings();
        settings.Remove("Stripe__WebhookSecrets__0");
        Assert.Contains("Stripe__WebhookSecrets__0", await StartFailsAsync(settings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unresolved_key_vault_reference_stops_the_host_at_start_naming_the_key()
    {
        var settings = ValidSettings();
        settings["Stripe__WebhookSecrets__0"] = "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/stripe-webhook-secret-0/)";
        var message = await StartFailsAsync(settings);
        Assert.Contains("Stripe__WebhookSecrets__0", message, StringComparison.Ordinal);
        Assert.Contains("Key Vault", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Webhooks__RetentionDays", "3")]
    [InlineData("Webhooks__MaxBodyBytes", "0")]
    [InlineData("Stripe__SignatureToleranceSeconds", "-5")]
    [InlineData("PurgeSchedule", "0 3 * * *")]
    [InlineData("ConnectionStrings__Webhooks", "Hots=localhost;Database=webhooks")]
    public async Task A_bad_setting_stops_the_host_at_start_naming_the_key(string key, string value)
    {
        var settings = ValidSettings();
        settings[key] = value;
        Assert.Contains(key, await StartFailsAsync(settings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Program_cs_validates_settings_at_start_too()
    {
        var settings = ValidSettings();
        settings["Webhooks__RetentionDays"] = "3";
        using var app = ProgramHost.Build(settings);
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.Host.StartAsync());
        Assert.Contains("Webhooks__RetentionDays", error.Message, StringComparison.Ordinal);
    }
}
