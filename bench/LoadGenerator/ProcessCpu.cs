using System.Globalization;

namespace StripeWebhooks.Bench;

/// <summary>CPU time (user + system) other processes have used so far, from <c>/proc</c>.</summary>
internal static class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux.

    /// <summary>Seconds of CPU of one process; NaN when it (or /proc) is not there.</summary>
    public static double Seconds(int pid) =>
        Stat(pid) is { } fields ? Ticks(fields, 11) + Ticks(fields, 12) : double.NaN;

    /// <summary>
    /// Seconds of CPU of a Postgres cluster: the postmaster, its live backends, and the backends it has
    /// already reaped (counted in its children's time). NaN without a postmaster.
    /// </summary>
    public static double ClusterSeconds(int postmasterPid)
    {
        if (Stat(postmasterPid) is not { } postmaster)
        {
            return double.NaN;
        }

        var ticks = Ticks(postmaster, 11) + Ticks(postmaster, 12) + Ticks(postmaster, 13) + Ticks(postmaster, 14);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && Stat(pid) is { } fields
                && fields[1] == postmasterPid.ToString(CultureInfo.InvariantCulture))
            {
                ticks += Ticks(fields, 11) + Ticks(fields, 12);
            }
        }

        return ticks;
    }

    // Fields after the command name (which may hold spaces), so index 0 is the state, 1 the parent pid.
    private static string[]? Stat(int pid)
    {
        try
        {
            var stat = pid > 0 ? File.ReadAllText($"/proc/{pid}/stat") : null;
            return stat?[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null; // gone meanwhile
        }
    }

    private static double Ticks(string[] fields, int index) => long.Parse(fields[index], CultureInfo.InvariantCulture) / TicksPerSecond;
}
