using System.Diagnostics;
using System.Globalization;

namespace StripeWebhooks.Bench;

/// <summary>The samples of one load phase and the figures derived from them.</summary>
internal sealed class LoadResult(IReadOnlyList<Sample> samples, long startedTicks, long endedTicks, IReadOnlyList<long> eventNumbers, string? firstError)
{
    public IReadOnlyList<Sample> Samples { get; } = samples;

    /// <summary>Numbers (in their plan) of the events sent, each once whatever the number of deliveries.</summary>
    public IReadOnlyList<long> EventNumbers { get; } = eventNumbers;

    public string? FirstError { get; } = firstError;

    /// <summary>Time the load generator itself stood still for its garbage collector: latency it adds to the samples.</summary>
    public TimeSpan GeneratorGcPause { get; init; }

    public double Seconds => Stopwatch.GetElapsedTime(startedTicks, endedTicks).TotalSeconds;

    private long DurationTicks => endedTicks - startedTicks;

    /// <summary>
    /// Segments of one phase, run apart (other phases in between), as one result: all their samples over the sum of
    /// their durations, so <see cref="DeliveriesPerSecond"/> leaves out the time between them.
    /// </summary>
    public static LoadResult Combine(IReadOnlyList<LoadResult> segments) =>
        new([.. segments.SelectMany(s => s.Samples)], 0, segments.Sum(s => s.DurationTicks),
            [.. segments.SelectMany(s => s.EventNumbers)], segments.Select(s => s.FirstError).FirstOrDefault(e => e is not null))
        {
            GeneratorGcPause = TimeSpan.FromTicks(segments.Sum(s => s.GeneratorGcPause.Ticks)),
        };

    public double DeliveriesPerSecond => Samples.Count / Seconds;

    public int Count(Func<Sample, bool> predicate) => Samples.Count(predicate);

    /// <summary>Latency percentile in milliseconds over the samples sent between two timestamps (all by default).</summary>
    public double PercentileMs(double percentile, long fromTicks = long.MinValue, long toTicks = long.MaxValue)
    {
        var sorted = Samples.Where(s => s.StartTicks >= fromTicks && s.StartTicks < toTicks).Select(s => s.ElapsedTicks).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        // Nearest rank: the smallest latency that at least `percentile` of the samples do not exceed.
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)] * 1000.0 / Stopwatch.Frequency;
    }

    /// <summary>One line per slice of the run (deliveries, p50, p99, max): shows whether slow answers come in bursts.</summary>
    public IEnumerable<string> Timeline(TimeSpan slice)
    {
        var ticks = (long)(slice.TotalSeconds * Stopwatch.Frequency);
        var first = Samples.Min(s => s.StartTicks);
        foreach (var group in Samples.GroupBy(s => (s.StartTicks - first) / ticks).OrderBy(g => g.Key))
        {
            var from = first + (group.Key * ticks);
            yield return string.Create(CultureInfo.InvariantCulture,
                $"t={group.Key * slice.TotalSeconds:F2}s n={group.Count()} {LatencyLine("", from, from + ticks)}");
        }
    }

    /// <summary><c>p50_ms=... p95_ms=... p99_ms=... max_ms=...</c> over the samples sent in a window.</summary>
    public string LatencyLine(string prefix = "", long fromTicks = long.MinValue, long toTicks = long.MaxValue) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{prefix}p50_ms={PercentileMs(50, fromTicks, toTicks):F2} {prefix}p95_ms={PercentileMs(95, fromTicks, toTicks):F2} {prefix}p99_ms={PercentileMs(99, fromTicks, toTicks):F2} {prefix}max_ms={PercentileMs(100, fromTicks, toTicks):F2}");
}
