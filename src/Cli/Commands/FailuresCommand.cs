using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using StripeWebhooks.Operations;

namespace StripeWebhooks.Cli.Commands;

/// <summary><c>webhooks failures [--all]</c>: the failure ledger, newest first.</summary>
internal static class FailuresCommand
{
    public static Command Create()
    {
        var all = new Option<bool>("--all") { Description = "Include resolved failures." };
        var limit = new Option<int>("--limit") { Description = "Most rows to show.", DefaultValueFactory = _ => 100 }.AtLeast(1);
        var command = new Command("failures", "List failed events: id, type, attempts, last error, first/last failed.") { all, limit };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var services = CliConfiguration.BuildServices();
            var failures = await services.GetRequiredService<FailureLedgerQueries>()
                .ListAsync(parseResult.GetValue(all), parseResult.GetValue(limit), cancellationToken);
            if (failures.Count == 0)
            {
                Console.WriteLine(parseResult.GetValue(all) ? "no failures recorded" : "no unresolved failures");
                return 0;
            }

            Console.WriteLine($"{"EVENT ID",-32} {"TYPE",-36} {"ATTEMPTS",8}  {"STATE",-16} {"FIRST FAILED (UTC)",-20} {"LAST FAILED (UTC)",-20} LAST ERROR");
            foreach (var f in failures)
            {
                var state = f.ResolvedAt is not null ? "resolved" : f.Parked ? "parked" : "retrying";
                Console.WriteLine($"{f.EventId,-32} {f.EventType,-36} {f.Attempts,8}  {state,-16} {f.FirstFailedAt,-20:yyyy-MM-dd HH:mm:ss} {f.LastFailedAt,-20:yyyy-MM-dd HH:mm:ss} {f.LastError.ReplaceLineEndings(" ")}");
            }

            return 0;
        });
        return command;
    }
}
