using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StripeWebhooks.Development;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Cli;

/// <summary>
/// The newcomer's flow with no configuration at all: serve on its private Postgres, and every operator command finds that
/// database while serve runs, with serve's development price map.
/// </summary>
public partial class ServeWithoutConfigurationTests
{
    [Fact]
    public async Task Operator_commands_with_no_configuration_use_the_running_serves_private_database()
    {
        var environment = ServeProcess.IsolatedEnvironment();
        await using var serve = await ServeProcess.StartAsync(
            new Dictionary<string, string?>(environment) { ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information" });
        var secret = SecretLine().Match(serve.Output).Groups[1].Value;
        Assert.Contains("Hosting environment: Development", serve.Output, StringComparison.Ordinal);
        var port = PsqlLine().Match(serve.Output).Groups[1].Value;
        Assert.NotEmpty(port);
        var databaseLine = $"database: 127.0.0.1:{port}/webhooks, the private Postgres of webhooks serve (pid ";

        await SendAsync(environment, "--secret", secret, "--url", serve.WebhookUrl, "--type", "checkout.session.completed");
        await SendAsync(environment, "--secret", secret, "--url", serve.WebhookUrl, "--type", "customer.subscription.updated");
        // A subscription on a price serve's development map does not know (README, "When processing fails"): it fails,
        // and the ledger keeps it.
        var (failedExit, failedOutput) = await ServeProcess.RunAsync(
            ["send", "--secret", secret, "--url", serve.WebhookUrl, "--id", "evt_unknown_price", "--price", "price_unknown"], environment);
        Assert.Equal(1, failedExit);
        Assert.Contains("500 {\"error\":\"processing_failed\"", failedOutput, StringComparison.Ordinal);

        var stats = await ServeProcess.RunSeparatelyAsync(["stats"], environment);
        Assert.Equal(0, stats.ExitCode);
        Assert.StartsWith(databaseLine, stats.StandardError, StringComparison.Ordinal);
        Assert.Contains("claims total:          2", stats.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("unresolved failures:   1", stats.StandardOutput, StringComparison.Ordinal);

        var failures = await ServeProcess.RunSeparatelyAsync(["failures"], environment);
        Assert.Equal(0, failures.ExitCode);
        Assert.StartsWith(databaseLine, failures.StandardError, StringComparison.Ordinal);
        Assert.Matches(@"evt_unknown_price\s+customer\.subscription\.updated\s+1\s+retrying", failures.StandardOutput);

        var entitlements = await ServeProcess.RunSeparatelyAsync(["entitlements"], environment);
        Assert.Equal(0, entitlements.ExitCode);
        Assert.StartsWith(databaseLine, entitlements.StandardError, StringComparison.Ordinal);
        Assert.Matches(@"user_sample0001\s+pro\s+active\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+no\s+sub_sample0001", entitlements.StandardOutput);
        var nobody = await ServeProcess.RunSeparatelyAsync(["entitlements", "user_nobody"], environment);
        Assert.Equal("user_nobody: no entitlement row, so the default tier 'free'", nobody.StandardOutput.Trim());

        // Replay needs no Billing__Prices: it runs the handlers with serve's map, which still lacks the price.
        var replay = await ServeProcess.RunSeparatelyAsync(["replay", "evt_unknown_price", "--dry-run"], environment);
        Assert.Equal(1, replay.ExitCode);
        Assert.DoesNotContain("configuration error", replay.StandardError, StringComparison.Ordinal);
        Assert.Contains("error: evt_unknown_price (customer.subscription.updated) failed again, nothing changed: UnknownPriceException: Billing__Prices__price_unknown is not configured",
            replay.StandardError, StringComparison.Ordinal);
        // Mapping the price (the operator's fix) makes the dry run show what it would change.
        var fixedReplay = await ServeProcess.RunSeparatelyAsync(["replay", "evt_unknown_price", "--dry-run"],
            new Dictionary<string, string?>(environment) { ["Billing__Prices__price_unknown"] = "team" });
        Assert.Equal(0, fixedReplay.ExitCode);
        Assert.Contains("would change (dry run, rolled back):", fixedReplay.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"stripe_subscriptions: (1 inserted, 0|0 inserted, 1) updated", fixedReplay.StandardOutput);

        // The health route takes GET only: send says it is not the webhook route.
        var health = await ServeProcess.RunSeparatelyAsync(["send", "--secret", secret, "--url", serve.BaseUrl + "/api/health"], environment);
        Assert.Equal(1, health.ExitCode);
        Assert.EndsWith("405 (empty body)", health.StandardOutput.Trim(), StringComparison.Ordinal);
        Assert.Equal($"error: {serve.BaseUrl}/api/health is not the webhook route: that route does not take POST (serve's is {serve.WebhookUrl})",
            health.StandardError.Trim());

        // A URL that is not the webhook route says so.
        var wrongRoute = await ServeProcess.RunSeparatelyAsync(["send", "--secret", secret, "--url", serve.BaseUrl + "/api/webhook"], environment);
        Assert.Equal(1, wrongRoute.ExitCode);
        Assert.EndsWith("404 (empty body)", wrongRoute.StandardOutput.Trim(), StringComparison.Ordinal);
        Assert.Equal($"error: {serve.BaseUrl}/api/webhook is not the webhook route: nothing there takes webhooks (serve's is {serve.WebhookUrl})",
            wrongRoute.StandardError.Trim());

        Assert.Equal(0, await serve.TerminateAsync());
        var afterwards = await ServeProcess.RunSeparatelyAsync(["stats"], environment);
        Assert.Equal(2, afterwards.ExitCode);
        Assert.StartsWith("error: ConnectionStrings__Webhooks is not set and no `webhooks serve`", afterwards.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_with_a_data_dir_keeps_its_database_and_port_across_restarts()
    {
        var environment = ServeProcess.IsolatedEnvironment();
        var parent = Directory.CreateTempSubdirectory("webhooks-test-data-");
        // Serve runs Postgres as the postgres user when the tests run as root: it must be able to enter the parent.
        if (!OperatingSystem.IsWindows())
        {
            parent.UnixFileMode |= UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        }

        var dataDirectory = Path.Combine(parent.FullName, "pg");
        string port;
        string secret;
        await using (var first = await ServeProcess.StartAsync(environment, null, "--data-dir", dataDirectory))
        {
            port = PsqlLine().Match(first.Output).Groups[1].Value;
            secret = SecretLine().Match(first.Output).Groups[1].Value;
            Assert.Equal(0, (await ServeProcess.RunAsync(["send", "--secret", secret, "--url", first.WebhookUrl, "--id", "evt_kept"], environment)).ExitCode);
            Assert.Equal(0, await first.TerminateAsync());
        }

        await using var second = await ServeProcess.StartAsync(environment, null, "--data-dir", dataDirectory);
        Assert.Equal(port, PsqlLine().Match(second.Output).Groups[1].Value);
        // The same development secret, so a `send --secret` copied from the first run still verifies.
        Assert.Equal(secret, SecretLine().Match(second.Output).Groups[1].Value);
        Assert.Contains($"starting the private Postgres in {dataDirectory}", second.Output, StringComparison.Ordinal);
        var stats = await ServeProcess.RunSeparatelyAsync(["stats"], environment);
        Assert.Contains("claims total:          1", stats.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, await second.TerminateAsync());
    }

    private static async Task SendAsync(Dictionary<string, string?> environment, params string[] arguments)
    {
        var (exitCode, output) = await ServeProcess.RunAsync(["send", .. arguments], environment);
        Assert.True(exitCode == 0, output);
    }

    [GeneratedRegex(@"signing secret:\s+(\S+)")]
    private static partial Regex SecretLine();

    [GeneratedRegex(@"psql:\s+psql postgresql://postgres@127\.0\.0\.1:(\d+)/webhooks")]
    private static partial Regex PsqlLine();
}
