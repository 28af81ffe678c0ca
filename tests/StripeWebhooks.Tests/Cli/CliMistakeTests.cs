using System.Net;
using System.Net.Sockets;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Cli;

/// <summary>
/// Every ordinary mistake a newcomer makes with `webhooks` answers one line on stderr and a non-zero exit code,
/// with no stack trace. Each runs the built CLI as a process, as a user would.
/// </summary>
public class CliMistakeTests
{
    private const string NoDatabase =
        "error: ConnectionStrings__Webhooks is not set and no `webhooks serve` with a private Postgres is running. " +
        "Start `webhooks serve` in another terminal, or set ConnectionStrings__Webhooks=\"Host=...;Database=...;Username=...\".";

    [Theory]
    [InlineData(new[] { "send", "--url", "not-a-url" }, "error: --url 'not-a-url' is not an http:// or https:// URL.")]
    [InlineData(new[] { "send", "--file", "/nonexistent.json" }, "error: File does not exist: '/nonexistent.json'.")]
    [InlineData(new[] { "send", "--times", "abc" }, "error: --times 'abc' is not a whole number.")]
    [InlineData(new[] { "failures", "--limit", "x" }, "error: --limit 'x' is not a whole number.")]
    [InlineData(new[] { "send", "--file", "/tmp" }, "error: --file /tmp is a directory; give the JSON file of one event.")]
    [InlineData(new[] { "send", "--type", "invoice.paid", "--price", "price_x" },
        "error: --price sets the price of a subscription: use it with --type customer.subscription.created or .updated, not invoice.paid.")]
    [InlineData(new[] { "send", "--file", "/etc/hostname", "--price", "price_x" },
        "error: --file sends the file's exact bytes, so --id, --type and --price cannot change it: edit the file, or drop --file.")]
    [InlineData(new[] { "send", "--times", "0" }, "error: --times must be at least 1; got 0.")]
    [InlineData(new[] { "send", "--type", "foo.bar" },
        "error: Argument 'foo.bar' not recognized. Must be one of: 'checkout.session.completed' 'customer.subscription.created' " +
        "'customer.subscription.updated' 'customer.subscription.deleted' 'invoice.paid' 'invoice.payment_failed'")]
    [InlineData(new[] { "send", "--file", "/etc/hostname", "--id", "evt_1" },
        "error: --file sends the file's exact bytes, so --id, --type and --price cannot change it: edit the file, or drop --file.")]
    [InlineData(new[] { "send", "--file", "/etc/hostname", "--type", "invoice.paid" },
        "error: --file sends the file's exact bytes, so --id, --type and --price cannot change it: edit the file, or drop --file.")]
    [InlineData(new[] { "send" }, "error: give --secret whsec_... (serve prints it), or set Stripe__WebhookSecrets__0.")]
    [InlineData(new[] { "failures", "--limit", "-1" }, "error: --limit must be at least 1; got -1.")]
    [InlineData(new[] { "serve", "--urls", "banana" }, "error: --urls 'banana' is not an address to listen on, like http://127.0.0.1:7071.")]
    [InlineData(new[] { "purge", "--older-than", "1d" },
        "error: --older-than 1d is inside Stripe's 3-day retry window: claims younger than 4d are never purged.")]
    [InlineData(new[] { "purge", "--older-than", "banana" }, "error: --older-than 'banana' is not an age like 30d or 96h.")]
    [InlineData(new[] { "frobnicate" }, "error: Unrecognized command or argument 'frobnicate'.")]
    [InlineData(new[] { "stats" }, NoDatabase)]
    [InlineData(new[] { "failures" }, NoDatabase)]
    [InlineData(new[] { "entitlements" }, NoDatabase)]
    [InlineData(new[] { "replay", "evt_1", "--dry-run" }, NoDatabase)]
    [InlineData(new[] { "migrate" }, NoDatabase)]
    [InlineData(new[] { "purge" }, NoDatabase)]
    public async Task A_usage_mistake_answers_one_line_and_exit_code_2(string[] arguments, string line)
    {
        await AssertOneLineAsync(arguments, new Dictionary<string, string?>(), line, exitCode: 2);
    }

    [Fact]
    public async Task A_malformed_connection_string_answers_one_line_naming_the_key_without_echoing_it()
    {
        await AssertOneLineAsync(["stats"], new Dictionary<string, string?> { ["ConnectionStrings__Webhooks"] = "banana;Password=hunter2" },
            "configuration error: ConnectionStrings__Webhooks is not an Npgsql connection string; expected Host=...;Database=...;Username=... or postgresql://user@host:port/database",
            exitCode: 2);
    }

    [Fact]
    public async Task Postgres_down_answers_one_line_naming_the_address()
    {
        var port = ClosedPort();
        await AssertOneLineAsync(["stats"], new Dictionary<string, string?> { ["ConnectionStrings__Webhooks"] = $"Host=127.0.0.1;Port={port};Username=x;Database=x" },
            $"error: cannot reach Postgres: Failed to connect to 127.0.0.1:{port} (Connection refused)", exitCode: 1);
    }

    [Fact]
    public async Task Serve_with_postgres_down_answers_one_line_naming_the_address()
    {
        var port = ClosedPort();
        var (exitCode, output, error) = await ServeProcess.RunSeparatelyAsync(["serve", "--urls", $"http://127.0.0.1:{ClosedPort()}"], new Dictionary<string, string?>
        {
            ["ConnectionStrings__Webhooks"] = $"Host=127.0.0.1;Port={port};Username=x;Database=x",
            ["Stripe__WebhookSecrets__0"] = "whsec_configured",
        });

        Assert.Equal(1, exitCode);
        Assert.Equal($"error: cannot reach Postgres: Failed to connect to 127.0.0.1:{port} (Connection refused)", error.Trim());
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verbose_adds_the_stack_trace_after_the_one_line()
    {
        var port = ClosedPort();
        var (exitCode, _, error) = await ServeProcess.RunSeparatelyAsync(["stats", "--verbose"],
            new Dictionary<string, string?> { ["ConnectionStrings__Webhooks"] = $"Host=127.0.0.1;Port={port};Username=x;Database=x" });

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"error: cannot reach Postgres: Failed to connect to 127.0.0.1:{port}", error, StringComparison.Ordinal);
        Assert.Contains("Npgsql.NpgsqlException", error, StringComparison.Ordinal);
        Assert.Contains("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_name_that_does_not_resolve_is_named_once()
    {
        await AssertOneLineAsync(["stats"], new Dictionary<string, string?> { ["ConnectionStrings__Webhooks"] = "Host=nohost.invalid;Username=x;Database=x" },
            "error: cannot reach Postgres: the Host of ConnectionStrings__Webhooks is not a host name this machine can resolve", exitCode: 1);
        var (exitCode, _, error) = await ServeProcess.RunSeparatelyAsync(["send", "--secret", "whsec_test", "--url", "http://nohost.invalid:7071/api/stripe/webhook"]);
        Assert.Equal("error: nohost.invalid (in http://nohost.invalid:7071/api/stripe/webhook) is not a host name this machine can resolve; check --url", error.Trim());
        Assert.Equal(1, exitCode);
    }

    [Fact]
    public async Task A_postgresql_uri_is_accepted_as_the_connection_string()
    {
        var settings = new Npgsql.NpgsqlConnectionStringBuilder(await TestDatabase.CreateAsync());
        var uri = $"postgresql://{Uri.EscapeDataString(settings.Username!)}{(settings.Password is { } p ? ":" + Uri.EscapeDataString(p) : "")}@{settings.Host}:{settings.Port}/{settings.Database}";

        var (exitCode, output, error) = await ServeProcess.RunSeparatelyAsync(["stats"], new Dictionary<string, string?> { ["ConnectionStrings__Webhooks"] = uri });

        Assert.True(exitCode == 0, error);
        Assert.Contains("claims total:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_to_an_unreachable_url_says_nothing_answers_there()
    {
        var url = $"http://127.0.0.1:{ClosedPort()}/api/stripe/webhook";
        var (exitCode, output, error) = await ServeProcess.RunSeparatelyAsync(["send", "--secret", "whsec_test", "--url", url, "--id", "evt_unreachable"]);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("customer.subscription.updated evt_unreachable: customer cus_sample0001, subscription sub_sample0001", output, StringComparison.Ordinal);
        Assert.Matches($@"^error: nothing answers at {url.Replace(".", @"\.", StringComparison.Ordinal)} \(Connection refused.*\); is `webhooks serve` running\?$", error.Trim());
    }

    [Fact]
    public async Task Serve_on_a_busy_port_says_so_in_one_line_before_starting_anything()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        await AssertOneLineAsync(["serve", "--urls", $"http://127.0.0.1:{port}"], new Dictionary<string, string?>(),
            $"error: 127.0.0.1:{port} is in use; pass --urls", exitCode: 1);
    }

    private static async Task AssertOneLineAsync(string[] arguments, Dictionary<string, string?> environment, string line, int exitCode)
    {
        var (actualExitCode, output, error) = await ServeProcess.RunSeparatelyAsync(arguments, environment);

        Assert.Equal(line, error.TrimEnd());
        Assert.Equal(exitCode, actualExitCode);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", output + error, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
