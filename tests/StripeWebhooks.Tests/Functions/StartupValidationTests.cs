using Microsoft.Extensions.Options;

namespace StripeWebhooks.Tests.Functions;

/// <summary>
/// The function app has no start-up code of its own: its host refuses to start because AddStripeWebhooks
/// registers every setting with ValidateOnStart, and a generic host validates those in StartAsync, before the
/// worker connects to the Functions host. These tests start that same kind of host.
/// </summary>
public class StartupValidationTests
{
    private static Dictionary<string, string> ValidSettings() => new()
    {
        ["ConnectionStrings__Webhooks"] = "Host=127.0.0.1;Database=unused;Username=postgres",
        ["Stripe__WebhookSecrets__0"] = "whsec_placeholder",
        ["Billing__Prices__price_placeholder"] = "pro",
    };

    private static async Task<OptionsValidationException> StartFails(Dictionary<string, string> settings)
    {
        using var host = StartupHost.Build(settings);
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    [Fact]
    public async Task Valid_settings_start_without_touching_the_database()
    {
        using var host = StartupHost.Build(ValidSettings());
        await host.StartAsync();
        await host.StopAsync();
    }

    [Theory]
    [InlineData("Webhooks__RetentionDays", "3")]
    [InlineData("Webhooks__MaxBodyBytes", "0")]
    [InlineData("Stripe__SignatureToleranceSeconds", "-5")]
    [InlineData("PurgeSchedule", "0 3 * * *")]
    public async Task A_bad_setting_stops_the_host_at_start_naming_the_key(string key, string value)
    {
        var settings = ValidSettings();
        settings[key] = value;
        Assert.Contains(key, (await StartFails(settings)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_signing_secret_stops_the_host_at_start_naming_the_key()
    {
        var settings = ValidSettings();
        settings.Remove("Stripe__WebhookSecrets__0");
        Assert.Contains("Stripe__WebhookSecrets__0", (await StartFails(settings)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a connection string")]
    [InlineData("Hots=localhost;Database=webhooks")]
    public async Task A_missing_or_malformed_connection_string_stops_the_host_at_start_naming_the_key(string? connectionString)
    {
        var settings = ValidSettings();
        settings.Remove("ConnectionStrings__Webhooks");
        if (connectionString is not null)
        {
            settings["ConnectionStrings__Webhooks"] = connectionString;
        }

        Assert.Contains("ConnectionStrings__Webhooks", (await StartFails(settings)).Message, StringComparison.Ordinal);
    }

    // Entra sign-in is set up when the data source is first built (a function app's first request); its
    // configuration mistakes must stop the host at start like any other setting.
    [Theory]
    [InlineData("Host=127.0.0.1;Database=unused;Username=postgres;Password=secret", "contains a password")]
    [InlineData("Host=127.0.0.1;Database=unused", "has no Username")]
    public async Task Entra_sign_in_with_a_password_or_without_a_username_stops_the_host_at_start(string connectionString, string expected)
    {
        var settings = ValidSettings();
        settings["ConnectionStrings__Webhooks"] = connectionString;
        settings["Postgres__UseEntraAuth"] = "true";
        var message = (await StartFails(settings)).Message;
        Assert.Contains("Postgres__UseEntraAuth", message, StringComparison.Ordinal);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }
}
