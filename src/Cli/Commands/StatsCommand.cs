using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StripeWebhooks.Operations;
using StripeWebhooks.Reconciliation;

namespace StripeWebhooks.Cli.Commands;

/// <summary><c>webhooks stats</c>: claims, retention, failures and the last purge at a glance.</summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var command = new Command("stats", "Claims (total, last 24 h), oldest claim vs retention, unresolved failures, parked events, last purge, outbox backlog, last reconciliation and its lag.");
        command.SetAction(async (_, cancellationToken) =>
        {
            await using var services = CliConfiguration.BuildServices();
            var s = await services.GetRequiredService<WebhookStatisticsQuery>().ReadAsync(cancellationToken);
            var oldest = s.OldestClaimAge is { } age
                ? $"{age.TotalDays:F1} days (retention {s.RetentionDays} days{(age.TotalDays > s.RetentionDays + 1 ? "; purge is behind" : "")})"
                : $"none (retention {s.RetentionDays} days)";
            Console.WriteLine($"claims total:          {s.ClaimsTotal}");
            Console.WriteLine($"claims last 24 h:      {s.ClaimsLast24Hours}");
            Console.WriteLine($"oldest claim:          {oldest}");
            Console.WriteLine($"unresolved failures:   {s.UnresolvedFailures}");
            Console.WriteLine($"parked events:         {s.ParkedEvents}");
            Console.WriteLine(s.LastPurgeAt is { } at
                ? $"last purge:            {at:yyyy-MM-dd HH:mm:ss} UTC, {s.LastPurgeDeleted} claim(s) deleted"
                : "last purge:            never");
            Console.WriteLine($"outbox undispatched:   {s.OutboxUndispatched}{(s.OldestUndispatchedAge is { } pending ? $" (oldest {pending.TotalSeconds:F0} s old)" : "")}");
            Console.WriteLine($"outbox unconsumed:     {s.OutboxUnconsumed}{(s.OldestUnconsumedAge is { } waiting ? $" dispatched, not consumed yet (oldest dispatched {waiting.TotalSeconds:F0} s ago; dispatched again after Outbox__RedispatchAfterMinutes)" : "")}");
            Console.WriteLine($"outbox poisoned:       {s.OutboxPoisoned}{(s.OutboxPoisoned > 0 ? " (see `webhooks outbox`)" : "")}");
            var enabled = services.GetRequiredService<IOptions<StripeApiOptions>>().Value.ReconciliationEnabled;
            foreach (var line in ReconcileStatsLines.Describe(enabled, await services.GetRequiredService<ReconcileRunStore>().ReadLastAsync(cancellationToken)))
            {
                Console.WriteLine(line);
            }
            return 0;
        });
        return command;
    }
}
