using System.Text.RegularExpressions;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Cli;

/// <summary>The README's promise, run as a user would: serve on a private Postgres, then `send` twice.</summary>
public partial class ServeEndToEndTests
{
    [Fact]
    public async Task Serve_without_configuration_prints_url_and_secret_and_send_twice_is_processed_then_duplicate()
    {
        await using var serve = await ServeProcess.StartAsync(new Dictionary<string, string?>());
        var secret = SecretLine().Match(serve.Output).Groups[1].Value;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Contains(serve.WebhookUrl, serve.Output, StringComparison.Ordinal);

        var (exitCode, output) = await ServeProcess.RunAsync(["send", "--secret", secret, "--url", serve.WebhookUrl, "--id", "evt_readme_demo", "--times", "2"]);

        Assert.Equal(0, exitCode);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("customer.subscription.updated evt_readme_demo: customer cus_sample0001, subscription sub_sample0001, user via cus_sample0001 (not in the event)", lines[0].Trim());
        Assert.Equal("""200 {"received":true,"duplicate":false,"eventId":"evt_readme_demo"}""", lines[1].Trim());
        Assert.Equal("""200 {"received":true,"duplicate":true,"eventId":"evt_readme_demo"}""", lines[2].Trim());
        Assert.Equal(0, await serve.TerminateAsync());
    }

    [Fact]
    public async Task Serve_refuses_to_start_on_invalid_configuration_naming_the_key()
    {
        var (exitCode, output) = await ServeProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:0"], new Dictionary<string, string?>
        {
            ["ConnectionStrings__Webhooks"] = "Host=127.0.0.1;Port=1;Database=none;Username=none",
            ["Stripe__WebhookSecrets__0"] = "whsec_configured",
            ["Webhooks__RetentionDays"] = "3",
        });

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Webhooks__RetentionDays", output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"signing secret:\s+(\S+)")]
    private static partial Regex SecretLine();
}
