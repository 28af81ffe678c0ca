using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StripeWebhooks.Tests.Support;

/// <summary>`webhooks serve` as a real child process (the built CLI next to the tests), for crash and end-to-end tests.</summary>
public sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private ServeProcess(Process process, StringBuilder output, string baseUrl)
    {
        _process = process;
        _output = output;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public string WebhookUrl => BaseUrl + "/api/stripe/webhook";

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts serve and waits until it prints its endpoint (the private Postgres may take a few seconds).</summary>
    /// <remarks>
    /// With no <paramref name="port"/> it picks a free one; should another process take it before serve binds it (a
    /// test running alongside, or an outgoing connection's ephemeral port), serve says so and it tries another port.
    /// </remarks>
    public static async Task<ServeProcess> StartAsync(IDictionary<string, string?> environment, int? port = null, params string[] arguments)
    {
        if (port is not null)
        {
            return await StartOnAsync(environment, port.Value, arguments);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnAsync(environment, FreePort(), arguments);
            }
            catch (InvalidOperationException ex) when (attempt < 3 && ex.Message.Contains("is in use; pass --urls", StringComparison.Ordinal))
            {
                // Taken between FreePort and serve's bind: pick again.
            }
        }
    }

    private static async Task<ServeProcess> StartOnAsync(IDictionary<string, string?> environment, int port, string[] arguments)
    {
        var baseUrl = $"http://127.0.0.1:{port}";
        var process = Cli(["serve", "--urls", baseUrl, .. arguments], environment);
        var output = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => Append(e.Data, output, ready);
        process.ErrorDataReceived += (_, e) => Append(e.Data, output, ready);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var serve = new ServeProcess(process, output, baseUrl);
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(120))) != ready.Task)
        {
            await serve.DisposeAsync();
            throw new InvalidOperationException("webhooks serve did not become ready:\n" + serve.Output);
        }

        return serve;
    }

    /// <summary>POSTs <paramref name="body"/> to serve's webhook route, signed now with <paramref name="secret"/>, as Stripe does.</summary>
    public async Task<HttpResponseMessage> PostSignedAsync(byte[] body, string secret)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        return await SignedDelivery.PostAsync(client, WebhookUrl, body, secret);
    }

    /// <summary>Runs a one-shot CLI command to completion; returns exit code and output (stdout, then stderr).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string[] arguments, IDictionary<string, string?>? environment = null)
    {
        var (exitCode, standardOutput, standardError) = await RunSeparatelyAsync(arguments, environment);
        return (exitCode, standardOutput + standardError);
    }

    /// <summary>Runs a one-shot CLI command to completion; returns exit code, stdout and stderr apart.</summary>
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunSeparatelyAsync(
        string[] arguments, IDictionary<string, string?>? environment = null)
    {
        using var process = Cli(arguments, environment ?? new Dictionary<string, string?>());
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// serve on <paramref name="connectionString"/> with the test secret and price map, the welcome e-mail example writing
    /// to <paramref name="mailbox"/>, and, given <paramref name="storage"/>, a queue of its own swept every second.
    /// </summary>
    public static Dictionary<string, string?> OutboxEnvironment(string connectionString, string mailbox, string? storage = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Webhooks"] = connectionString,
            ["Stripe__WebhookSecrets__0"] = WebhookTestServer.Secret,
            ["Billing__Prices__" + TestPrices.Pro] = "pro",
            ["Outbox__DevelopmentMailbox"] = mailbox,
        };
        if (storage is not null)
        {
            environment["AzureWebJobsStorage"] = storage;
            environment["Outbox__QueueName"] = AzuriteQueue.NewQueueName();
            environment["Outbox__SweepDelaySeconds"] = "1";
        }

        return environment;
    }

    /// <summary>
    /// An environment whose <c>XDG_DATA_HOME</c> is a fresh directory: serve records itself there, and the commands run
    /// with the same environment find it (and no other test's serve).
    /// </summary>
    public static Dictionary<string, string?> IsolatedEnvironment() => new()
    {
        ["XDG_DATA_HOME"] = Directory.CreateTempSubdirectory("webhooks-test-home-").FullName,
    };

    /// <summary>SIGKILL: no shutdown hooks run, in-flight transactions die with their connections.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, then waits for a clean exit.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static Process Cli(string[] arguments, IDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "webhooks.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A clean slate: nothing from the test runner's environment configures the child by accident.
        foreach (var key in start.Environment.Keys.Where(k => k.Contains("__", StringComparison.Ordinal) || k.StartsWith("Stripe", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // Where serve records its private Postgres: never the user's own, never another test's (unless shared on purpose).
        start.Environment["XDG_DATA_HOME"] = Path.Combine(Path.GetTempPath(), "webhooks-test-home-" + Guid.NewGuid().ToString("N")[..12]);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new Process { StartInfo = start };
    }

    private static void Append(string? line, StringBuilder output, TaskCompletionSource ready)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }

        // serve's last start-up line: everything it prints before (URL, secret, ...) has been read by now.
        if (line.StartsWith("ready:", StringComparison.Ordinal))
        {
            ready.TrySetResult();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
