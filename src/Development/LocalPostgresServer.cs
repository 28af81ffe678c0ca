using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace StripeWebhooks.Development;

/// <summary>
/// A throw-away PostgreSQL server from the machine's own binaries, on a free loopback port, for
/// <c>webhooks serve</c> without a connection string, for the tests and for the benchmark.
/// </summary>
/// <remarks>
/// Postgres refuses to run as root, so as root the server runs as the <c>postgres</c> user through
/// <c>runuser</c>. The data directory is removed on dispose unless the caller chose it.
/// </remarks>
public sealed class LocalPostgresServer : IAsyncDisposable
{
    private const string DatabaseName = "webhooks";

    // A kept data directory remembers its port here, so connection strings copied from an earlier run still work.
    private const string PortFile = "webhooks.port";

    private readonly string _binDirectory;
    private readonly bool _removeOnDispose;
    private bool _stopped;

    private LocalPostgresServer(string binDirectory, string dataDirectory, int port, bool removeOnDispose)
    {
        _binDirectory = binDirectory;
        DataDirectory = dataDirectory;
        Port = port;
        _removeOnDispose = removeOnDispose;
    }

    public string DataDirectory { get; }

    public int Port { get; }

    /// <summary>Connection string of the <c>webhooks</c> database (trust auth on loopback; no password).</summary>
    public string ConnectionString => ConnectionStringFor(DatabaseName);

    /// <summary>Connection string for another database on the same server.</summary>
    public string ConnectionStringFor(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=100;Timeout=15";

    /// <summary>
    /// Starts a server; with <paramref name="dataDirectory"/> null a temporary one is created and later removed. A kept
    /// data directory keeps its port across restarts while that port is free.
    /// </summary>
    /// <param name="dataDirectory">Keep the cluster here (re-used when it already holds one).</param>
    /// <param name="durable">False turns off fsync: faster, and fine for data that may be lost with the machine.</param>
    /// <param name="cancellationToken">Cancels start-up.</param>
    public static async Task<LocalPostgresServer> StartAsync(string? dataDirectory = null, bool durable = false, CancellationToken cancellationToken = default)
    {
        var bin = FindBinDirectory();
        var removeOnDispose = dataDirectory is null;
        dataDirectory = Path.GetFullPath(dataDirectory ?? Path.Combine(Path.GetTempPath(), "webhooks-pg-" + Guid.NewGuid().ToString("N")[..12]));
        Directory.CreateDirectory(dataDirectory);
        var runAsPostgres = Environment.UserName == "root" || Environment.IsPrivilegedProcess;
        if (runAsPostgres)
        {
            await RunAsync("chown", ["-R", "postgres:", dataDirectory], cancellationToken);
            await EnsurePostgresUserCanWriteAsync(dataDirectory, cancellationToken);
        }

        var port = removeOnDispose ? FreeLoopbackPort() : KeptPort(dataDirectory) ?? FreeLoopbackPort();
        var server = new LocalPostgresServer(bin, dataDirectory, port, removeOnDispose);
        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            await server.RunPostgresToolAsync("initdb", ["-D", dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"], cancellationToken);
        }

        // Unix socket in the data directory: no clash with a system server's /var/run/postgresql.
        var settings = $"-p {port} -c listen_addresses=127.0.0.1 -k {dataDirectory} -c max_connections=200 -c fsync={(durable ? "on" : "off")} -c full_page_writes={(durable ? "on" : "off")}";
        await server.RunPostgresToolAsync("pg_ctl", ["-D", dataDirectory, "-l", Path.Combine(dataDirectory, "server.log"), "-o", settings, "-w", "-t", "60", "start"], cancellationToken);
        await server.StartWatchdogAsync(cancellationToken);
        await server.EnsureDatabaseAsync(DatabaseName, cancellationToken);
        if (!removeOnDispose)
        {
            await File.WriteAllTextAsync(Path.Combine(dataDirectory, PortFile), port.ToString(CultureInfo.InvariantCulture), cancellationToken);
        }

        return server;
    }

    /// <summary>Creates <paramref name="database"/> if it does not exist.</summary>
    public async Task EnsureDatabaseAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database });
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            // Identifiers cannot be parameters; quote it.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Restarts the server with <c>pg_ctl restart -m immediate</c>: a crash as far as clients can tell.</summary>
    /// <remarks>The log file matters: without it the restarted server would inherit (and hold open) our output pipes.</remarks>
    public Task RestartImmediateAsync(CancellationToken cancellationToken = default) =>
        RunPostgresToolAsync("pg_ctl", ["-D", DataDirectory, "-l", Path.Combine(DataDirectory, "server.log"), "-m", "immediate", "-w", "-t", "60", "restart"], cancellationToken);

    /// <summary>Stops the server (fast shutdown) and removes a temporary data directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        try
        {
            await RunPostgresToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"], CancellationToken.None);
        }
        finally
        {
            if (_removeOnDispose)
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
    }

    /// <summary>
    /// A detached shell that outlives this process: once it is gone (however it ended: Ctrl-C, SIGKILL, a test
    /// host torn down before its exit hooks ran), it stops the server and removes a temporary data directory.
    /// A normal dispose gets there first and the watchdog's commands find nothing to do.
    /// </summary>
    private async Task StartWatchdogAsync(CancellationToken cancellationToken)
    {
        var pgCtl = Path.Combine(_binDirectory, "pg_ctl");
        var runAsPostgres = Environment.UserName == "root" || Environment.IsPrivilegedProcess;
        // Only the server this process started: with a kept data directory (serve --data-dir) the next serve may
        // already have started its own on the same directory by the time the watchdog wakes up (within a second).
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        var postmaster = (await File.ReadAllLinesAsync(pidFile, cancellationToken))[0].Trim();
        var stop = $"if [ \"$(head -n 1 '{pidFile}' 2>/dev/null)\" = '{postmaster}' ]; then {(runAsPostgres ? "runuser -u postgres -- " : "")}'{pgCtl}' -D '{DataDirectory}' -m fast -w stop; fi";
        var remove = _removeOnDispose ? $"; rm -rf '{DataDirectory}'" : "";
        // The inner subshell is re-parented to init when the outer shell exits, so killing our process tree spares it.
        var script = $"(while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; {stop}{remove}) </dev/null >/dev/null 2>&1 &";
        await RunAsync("sh", ["-c", script], cancellationToken);
    }

    /// <summary>Stops synchronously: for process-exit hooks, where nothing may be awaited.</summary>
    public void Stop() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private Task RunPostgresToolAsync(string tool, string[] arguments, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_binDirectory, tool);
        var runAsPostgres = Environment.UserName == "root" || Environment.IsPrivilegedProcess;
        return runAsPostgres
            ? RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments], cancellationToken)
            : RunAsync(path, arguments, cancellationToken);
    }

    private static async Task RunAsync(string fileName, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {output}");
        }
    }

    /// <summary>Finds initdb/pg_ctl on PATH, else in the newest /usr/lib/postgresql/*/bin.</summary>
    private static string FindBinDirectory()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var initdb = Path.Combine(directory, "initdb");
            if (directory.Length > 0 && File.Exists(initdb) && File.Exists(Path.Combine(directory, "pg_ctl")))
            {
                // Resolve symlinks (Debian links /usr/local/bin/initdb into /usr/lib/postgresql/N/bin).
                var target = new FileInfo(initdb).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? initdb;
                return Path.GetDirectoryName(target)!;
            }
        }

        const string debianRoot = "/usr/lib/postgresql";
        var candidate = Directory.Exists(debianRoot)
            ? Directory.GetDirectories(debianRoot).Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).FirstOrDefault()
            : null;
        return candidate ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or in /usr/lib/postgresql/*/bin. Install them (apt-get install postgresql) or set ConnectionStrings__Webhooks.");
    }

    /// <summary>A directory under one the <c>postgres</c> user cannot enter (e.g. <c>/root</c>) would fail initdb obscurely.</summary>
    private static async Task EnsurePostgresUserCanWriteAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync("runuser", ["-u", "postgres", "--", "test", "-w", dataDirectory], cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            throw new UnauthorizedAccessException(
                $"Postgres runs as the postgres user, which cannot write to {dataDirectory} (a parent directory is closed to it): choose a directory it can reach, e.g. under /tmp or /var/lib.", ex);
        }
    }

    /// <summary>The port <paramref name="dataDirectory"/>'s server used last time, when it is free now.</summary>
    private static int? KeptPort(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, PortFile);
        if (!File.Exists(path) || !int.TryParse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }

        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return port;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
