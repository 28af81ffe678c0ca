using System.Diagnostics;
using System.Text.Json;

namespace StripeWebhooks.Cli.Development;

/// <summary>
/// Where each running <c>webhooks serve</c> on a private Postgres records itself (one file per process), and where
/// <c>migrate</c>, <c>purge</c>, <c>stats</c>, <c>failures</c>, <c>replay</c> and <c>entitlements</c> look for a
/// database when <c>ConnectionStrings__Webhooks</c> is not set.
/// </summary>
/// <remarks>
/// The directory is the user's local application data (<c>$XDG_DATA_HOME/webhooks/serve</c>, by default
/// <c>~/.local/share/webhooks/serve</c>). A record counts only while its process runs and its Postgres holds
/// <c>postmaster.pid</c>, so one left behind by a killed serve is ignored (and removed).
/// </remarks>
internal static class ServeRegistry
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The directory holding the records.</summary>
    public static string Directory { get; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "webhooks", "serve");

    /// <summary>Writes <paramref name="record"/>; returns its path, for <see cref="Unregister"/>.</summary>
    public static string Register(ServeRecord record)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, $"{record.ProcessId}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(record, Json));
        return path;
    }

    /// <summary>Removes a record written by <see cref="Register"/>.</summary>
    public static void Unregister(string path) => File.Delete(path);

    /// <summary>The serves running now, most recently started first.</summary>
    public static IReadOnlyList<ServeRecord> FindRunning()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var running = new List<ServeRecord>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
        {
            var record = Read(path);
            if (record is not null && IsRunning(record))
            {
                running.Add(record);
            }
            else
            {
                TryDelete(path);
            }
        }

        return [.. running.OrderByDescending(r => r.StartedAt)];
    }

    private static ServeRecord? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<ServeRecord>(File.ReadAllText(path), Json);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsRunning(ServeRecord record)
    {
        try
        {
            using var process = Process.GetProcessById(record.ProcessId);
            return !process.HasExited && File.Exists(Path.Combine(record.DataDirectory, "postmaster.pid"));
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Someone else's stale record: ignoring it is enough.
        }
    }
}
