using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using StripeWebhooks.Operations;

namespace StripeWebhooks.Cli.Commands;

/// <summary><c>webhooks replay &lt;event id&gt; [--dry-run]</c>: re-runs a failed or parked event from its stored payload.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var eventId = new Argument<string>("event-id") { Description = "The evt_... id of a failed or parked event." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Run the handlers, print what would change, and roll back." };
        var command = new Command("replay", "Re-run the handlers of a failed or parked event and resolve it.") { eventId, dryRun };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var services = CliConfiguration.BuildServices();
            var id = parseResult.GetValue(eventId)!;
            var result = await services.GetRequiredService<EventReplayer>().ReplayAsync(id, parseResult.GetValue(dryRun), cancellationToken);
            switch (result.Outcome)
            {
                case ReplayOutcome.NotFound:
                    await Console.Error.WriteLineAsync($"error: no failed event {id} with a stored payload (see `webhooks failures --all`).");
                    return 1;
                case ReplayOutcome.AlreadyProcessed:
                    Console.WriteLine($"{id} ({result.EventType}) was already processed by a later delivery; marked resolved, nothing ran.");
                    return 0;
                case ReplayOutcome.IgnoredLivemode:
                    await Console.Error.WriteLineAsync($"error: {id} ({result.EventType}) is of the mode Stripe__Livemode does not apply; nothing ran, the failure stays open.");
                    return 1;
                case ReplayOutcome.Failed:
                    await Console.Error.WriteLineAsync($"error: {id} ({result.EventType}) failed again, nothing changed: {result.Error}");
                    return 1;
            }

            var verb = result.Outcome == ReplayOutcome.DryRun ? "would change (dry run, rolled back)" : "changed";
            Console.WriteLine($"{id} ({result.EventType}): handlers {(result.Handlers.Count == 0 ? "none (acknowledged type)" : string.Join(", ", result.Handlers))}");
            Console.WriteLine(result.Changes.Count == 0 ? $"{verb}: no rows" : $"{verb}:");
            foreach (var change in result.Changes)
            {
                Console.WriteLine($"  {change.Table}: {change.Inserted} inserted, {change.Updated} updated, {change.Deleted} deleted");
            }

            Console.WriteLine(result.Outcome == ReplayOutcome.DryRun ? "failure left open" : "failure resolved");
            return 0;
        });
        return command;
    }
}
