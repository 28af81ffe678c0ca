using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace StripeWebhooks.Tests.Support;

/// <summary>
/// A real Azurite queue service for the outbox tests: <c>WEBHOOKS_TEST_AZURITE</c> when set (a connection string; .ci/run
/// starts one), otherwise one started once per test run from <c>azurite-queue</c> on PATH. Tests that stop the queue
/// start a private one (<see cref="StartPrivateAsync"/>), persisted to disk so messages survive its restart.
/// </summary>
public sealed class AzuriteQueue : IAsyncDisposable
{
    public const string EnvironmentVariable = "WEBHOOKS_TEST_AZURITE";

    // Azurite's well-known development account (public; the same in every Azurite).
    private const string DevelopmentAccount = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly Lazy<Task<string>> Shared = new(StartSharedAsync);
    private static int _queueCounter;

    private readonly int _port;
    private readonly string _dataDirectory;
    private readonly bool _checksApiVersion;
    private Process? _process;

    private AzuriteQueue(int port, string dataDirectory, bool checksApiVersion)
    {
        _port = port;
        _dataDirectory = dataDirectory;
        _checksApiVersion = checksApiVersion;
    }

    public string ConnectionString => ConnectionStringFor(_port);

    /// <summary>The shared queue service's connection string.</summary>
    public static Task<string> SharedConnectionStringAsync() => Shared.Value;

    /// <summary>A queue name no other test uses.</summary>
    public static string NewQueueName() => $"outbox-test-{Environment.ProcessId}-{Interlocked.Increment(ref _queueCounter)}";

    /// <summary>A private Azurite this test may stop and restart (data on disk, same port).</summary>
    /// <param name="checksApiVersion">Started without <c>--skipApiVersionCheck</c>: it refuses the storage client's newer API version.</param>
    public static async Task<AzuriteQueue> StartPrivateAsync(bool checksApiVersion = false)
    {
        var azurite = new AzuriteQueue(FreePort(), Directory.CreateTempSubdirectory("azurite-test-").FullName, checksApiVersion);
        await azurite.StartAsync();
        return azurite;
    }

    public async Task StartAsync()
    {
        _process = Launch(_port, _checksApiVersion ? ["--location", _dataDirectory] : ["--location", _dataDirectory, "--skipApiVersionCheck"]);
        await WaitUntilListeningAsync(_port, _process);
    }

    /// <summary>Stops it hard (Azurite sometimes ignores SIGTERM): the queue is down until <see cref="StartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory; nothing depends on it.
        }
    }

    private static async Task<string> StartSharedAsync()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured)
        {
            return configured;
        }

        var port = FreePort();
        var process = Launch(port, ["--inMemoryPersistence", "--skipApiVersionCheck"]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        };
        await WaitUntilListeningAsync(port, process);
        return ConnectionStringFor(port);
    }

    // Through a shell that watches this test process: testhost can end without running ProcessExit handlers, and an
    // Azurite left behind would hold its port (and a core's share) until the machine stops.
    private static Process Launch(int port, string[] storage)
    {
        string[] arguments = ["--queueHost", "127.0.0.1", "--queuePort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--silent", "--disableTelemetry", .. storage];
        var start = new ProcessStartInfo("sh")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("""
            if ! command -v azurite-queue >/dev/null 2>&1; then
              # Not installed: fetch the pinned Azurite from npm once into a cache, as the tests start their own Postgres.
              cache="${XDG_CACHE_HOME:-$HOME/.cache}/stripe-webhooks-tests/azurite-3.37.0"
              mkdir -p "$cache"
              ( flock 9; [ -x "$cache/node_modules/.bin/azurite-queue" ] \
                  || npm install --prefix "$cache" --no-audit --no-fund --silent azurite@3.37.0 >/dev/null 2>&1 ) 9>"$cache.lock"
              PATH="$cache/node_modules/.bin:$PATH"
            fi
            command -v azurite-queue >/dev/null || { echo "azurite-queue not found on PATH and npm could not install it" >&2; exit 127; }
            azurite-queue "$@" & child=$!
            trap 'kill -9 $child 2>/dev/null' EXIT TERM
            while kill -0 "$WATCHED_PID" 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done
            """);
        start.ArgumentList.Add("azurite");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["WATCHED_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitUntilListeningAsync(int port, Process process)
    {
        // Long enough for the first run's npm install of Azurite (about 20 s here).
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException(process.ExitCode == 127
                    ? $"The outbox tests need Azurite's queue service: no azurite-queue on PATH, and `npm install azurite@3.37.0` into the cache failed. Install it (npm install -g azurite@3.37.0, " +
                      $"or npm install --prefix DIR azurite@3.37.0 and put DIR/node_modules/.bin on PATH) or set {EnvironmentVariable} to a queue connection string."
                    : $"azurite-queue exited with code {process.ExitCode} before listening on port {port}.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException($"azurite-queue did not listen on port {port} within 60 s.");
    }

    private static string ConnectionStringFor(int port) => $"{DevelopmentAccount};QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
