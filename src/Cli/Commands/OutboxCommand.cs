using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using StripeWebhooks.Operations;

namespace StripeWebhooks.Cli.Commands;

/// <summary>
/// <c>webhooks outbox [--limit N]</c> lists poisoned outbox messages; <c>webhooks outbox rerun &lt;message id&gt;</c>
/// consumes one again in this process once its cause is fixed.
/// </summary>
internal static class OutboxCommand
{
    public static Command Create()
    {
        var limit = new Option<int>("--limit") { Description = "At most this many messages.", DefaultValueFactory = _ => 50 };
        var command = new Command("outbox", "List outbox messages given up on after Outbox__MaxDequeueCount failed deliveries (poison).") { limit };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var services = CliConfiguration.BuildServices();
            var poisoned = await services.GetRequiredService<OutboxOperations>().ReadPoisonedAsync(parseResult.GetValue(limit), cancellationToken);
            if (poisoned.Count == 0)
            {
                Console.WriteLine("no poisoned outbox messages");
                return 0;
            }

            Console.WriteLine("message id\ttype\tevent\tattempts\tcreated (UTC)\tpoisoned (UTC)\tlast error");
            foreach (var m in poisoned)
            {
                Console.WriteLine($"{m.Id}\t{m.Type}\t{m.EventId}\t{m.Attempts}\t{m.CreatedAt:yyyy-MM-dd HH:mm:ss}\t{m.PoisonedAt:yyyy-MM-dd HH:mm:ss}\t{m.LastError}");
            }

            Console.WriteLine("re-run one with: webhooks outbox rerun <message id>");
            return 0;
        });
        command.Subcommands.Add(CreateRerun());
        return command;
    }

    private static Command CreateRerun()
    {
        var messageId = new Argument<string>("message-id") { Description = "The outbox message id, e.g. evt_...:entitlement.changed:user_42." };
        var command = new Command("rerun", "Consume a poisoned outbox message again in this process (handlers that applied it are skipped).") { messageId };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var services = CliConfiguration.BuildServices();
            var id = parseResult.GetValue(messageId)!;
            var (outcome, error) = await services.GetRequiredService<OutboxOperations>().RerunAsync(id, cancellationToken);
            switch (outcome)
            {
                case OutboxRerunOutcome.NotFound:
                    await Console.Error.WriteLineAsync($"error: no outbox message {id} (see `webhooks outbox`).");
                    return 1;
                case OutboxRerunOutcome.Failed:
                    await Console.Error.WriteLineAsync($"error: {id} failed again and stays poisoned: {error}");
                    return 1;
                default:
                    Console.WriteLine($"{id}: applied; no longer poisoned");
                    return 0;
            }
        });
        return command;
    }
}
