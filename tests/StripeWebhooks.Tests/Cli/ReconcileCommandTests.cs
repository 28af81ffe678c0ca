using StripeWebhooks.Tests.Billing;
using StripeWebhooks.Tests.Reconciliation;
using StripeWebhooks.Tests.Support;
using static StripeWebhooks.Tests.Support.DatabaseValues;

namespace StripeWebhooks.Tests.Cli;

/// <summary><c>webhooks reconcile</c> and the reconciliation lines of <c>webhooks stats</c>, as processes.</summary>
public sealed class ReconcileCommandTests
{
    private static async Task<(StripeEventsApiServer Api, string ConnectionString, Dictionary<string, string?> Environment)> StartAsync()
    {
        var api = await StripeEventsApiServer.StartAsync();
        var connectionString = await TestDatabase.CreateAsync();
        var now = DateTimeOffset.UtcNow;
        api.Add([
            BillingEvents.CheckoutCompleted("evt_cli_1", now.AddDays(-2).ToUnixTimeSeconds(), clientReferenceId: "user_cli"),
            BillingEvents.Subscription("customer.subscription.created", "evt_cli_2", now.AddDays(-2).AddSeconds(1).ToUnixTimeSeconds()),
        ]);
        var environment = api.Settings();
        environment["ConnectionStrings__Webhooks"] = connectionString;
        environment["Billing__Prices__" + TestPrices.Pro] = "pro";
        return (api, connectionString, environment);
    }

    [Fact]
    public async Task Dry_run_lists_what_it_would_apply_and_changes_nothing()
    {
        var (api, connectionString, environment) = await StartAsync();
        await using var _ = api;

        var (exitCode, stdout, stderr) = await ServeProcess.RunSeparatelyAsync(["reconcile", "--since", "3d", "--dry-run"], environment);

        Assert.True(exitCode == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("window:  ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("would apply evt_cli_1 checkout.session.completed ", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("would apply evt_cli_2 customer.subscription.created ", lines[2], StringComparison.Ordinal);
        Assert.Equal("dry run: listed 2, would apply 2, already claimed 0, unparsable 0; nothing changed", lines[3]);
        Assert.Equal(0, await CountAsync(connectionString, "SELECT count(*) FROM processed_stripe_events"));
        Assert.Equal(0, await CountAsync(connectionString, "SELECT count(*) FROM stripe_reconcile_runs"));
        Assert.DoesNotContain(StripeEventsApiServer.ApiKey, stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_applies_and_prints_the_window_a_running_count_and_a_summary_then_stats_show_the_run()
    {
        var (api, connectionString, environment) = await StartAsync();
        await using var _ = api;

        var (exitCode, stdout, stderr) = await ServeProcess.RunSeparatelyAsync(["reconcile", "--since", "3d"], environment);

        Assert.True(exitCode == 0, stderr);
        Assert.StartsWith("window:  ", stdout, StringComparison.Ordinal);
        Assert.Contains("... listed 2, applied 2, already claimed 0, failed 0", stderr, StringComparison.Ordinal);
        Assert.Contains("done:    listed 2, applied 2, already claimed 0, failed 0", stdout, StringComparison.Ordinal);
        Assert.Equal(2, await CountAsync(connectionString, "SELECT count(*) FROM processed_stripe_events"));

        var stats = await ServeProcess.RunSeparatelyAsync(["stats"], environment);
        Assert.True(stats.ExitCode == 0, stats.StandardError);
        Assert.Contains("succeeded", stats.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("reconcile counts:      listed 2, applied 2, already claimed 0, failed 0", stats.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("reconcile lag:         ", stats.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Since_beyond_retention_is_refused_in_one_line_and_changes_nothing()
    {
        var (api, connectionString, environment) = await StartAsync();
        await using var _ = api;

        var (exitCode, stdout, stderr) = await ServeProcess.RunSeparatelyAsync(["reconcile", "--since", "40d"], environment);

        Assert.Equal(2, exitCode);
        Assert.Equal("", stdout);
        Assert.Equal("error: --since 40d reaches past the claims' retention minus a day (29d with Webhooks__RetentionDays=30): an older event may have been claimed and purged, and applying it again would run its handlers twice.", stderr.Trim());
        Assert.Equal(0, api.Requests);
        Assert.Equal(0, await CountAsync(connectionString, "SELECT count(*) FROM stripe_reconcile_runs"));
    }

    [Fact]
    public async Task Without_a_key_reconcile_says_it_is_off_and_stats_says_so_too()
    {
        var (api, _, environment) = await StartAsync();
        await using var __ = api;
        environment.Remove("Stripe__ApiKey");

        var (exitCode, _, stderr) = await ServeProcess.RunSeparatelyAsync(["reconcile"], environment);
        var stats = await ServeProcess.RunSeparatelyAsync(["stats"], environment);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("error: reconciliation is off: Stripe__ApiKey is not set", stderr.Trim(), StringComparison.Ordinal);
        Assert.Contains("reconcile:             off (Stripe__ApiKey not set)", stats.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("last reconcile:        never", stats.StandardOutput, StringComparison.Ordinal);
    }
}
