using System.Globalization;
using StripeWebhooks.Reconciliation;

namespace StripeWebhooks.Cli.Commands;

/// <summary><c>webhooks stats</c>'s reconciliation lines: on or off, the last run, its window and the lag.</summary>
internal static class ReconcileStatsLines
{
    public static IEnumerable<string> Describe(bool enabled, ReconcileRunRecord? last)
    {
        if (!enabled)
        {
            yield return "reconcile:             off (Stripe__ApiKey not set)";
        }

        if (last is null)
        {
            yield return "last reconcile:        never";
            yield break;
        }

        var c = last.Counts;
        var state = last.Succeeded ? "succeeded" : last.FinishedAt is null ? "running (or died)" : $"failed: {last.Error}";
        yield return $"last reconcile:        {Format(last.StartedAt)} UTC, {state}";
        yield return $"reconcile window:      {Format(last.Window.From)} to {Format(last.Window.To)} UTC{(last.Window.ClampedBy is { } clamp ? $" (clamped: {clamp})" : "")}";
        yield return $"reconcile counts:      listed {c.Listed}, applied {c.Applied}, already claimed {c.AlreadyClaimed}, failed {c.Failed}";
        yield return last.Lag is { } lag
            ? $"reconcile lag:         {lag.TotalMinutes:F0} min (now minus the end of the last successful window)"
            : "reconcile lag:         no successful run yet";
    }

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
