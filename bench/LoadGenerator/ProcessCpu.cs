using System.Globalization;

namespace StripeWebhooks.Bench;

/// <summary>CPU time (user + system) another process has used so far, from <c>/proc/PID/stat</c>.</summary>
internal static class ProcessCpu
{
    /// <summary>Seconds of CPU; NaN when the process (or /proc) is not there.</summary>
    public static double Seconds(int pid)
    {
        var path = $"/proc/{pid}/stat";
        if (pid <= 0 || !File.Exists(path))
        {
            return double.NaN;
        }

        // The command name (field 2) may hold spaces; fields after its closing parenthesis are plain.
        var stat = File.ReadAllText(path);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0; // USER_HZ is 100 on Linux.
    }
}
