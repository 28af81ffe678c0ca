using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StripeWebhooks.Reconciliation;

namespace StripeWebhooks.Cli.Commands;

/// <summary><c>webhooks reconcile [--since 3d] [--dry-run]</c>: lists Stripe's Events API and applies what never arrived.</summary>
internal static class ReconcileCommand
{
    public static Command Create()
    {
        var since = new Option<string?>("--since")
        {
            Description = "Start this far back instead of where the last successful run ended, e.g. 3d or 12h (never past the claims' retention minus a day, nor Stripe's 30 days).",
        };
        since.Age("3d or 12h");
        var dryRun = new Option<bool>("--dry-run") { Description = "List the events that would be applied (id, type, created) and change nothing." };
        var command = new Command("reconcile", "Apply the events Stripe never delivered, listed from its Events API (Stripe__ApiKey), exactly once with live deliveries.")
        {
            since,
            dryRun,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var back = parseResult.GetValue(since) is { } text ? OptionChecks.ParseAge(text) : null;
            await using var services = CliConfiguration.BuildServices();
            var retentionDays = services.GetRequiredService<IOptions<WebhookOptions>>().Value.RetentionDays;
            if (back is { } age && ReconcileWindow.RefuseSince(age, retentionDays) is { } why)
            {
                throw new CliException($"--since {parseResult.GetValue(since)} {why}.");
            }

            // Reading the options validates them: a malformed key is a configuration error before anything runs.
            _ = services.GetRequiredService<IOptions<StripeApiOptions>>().Value;
            _ = services.GetRequiredService<IOptions<ReconcileOptions>>().Value;
            var reconciler = services.GetRequiredService<StripeEventReconciler>();
            if (!reconciler.Enabled)
            {
                throw new CliException(StripeEventReconciler.OffMessage);
            }

            var window = await reconciler.PlanAsync(back, cancellationToken);
            Console.WriteLine($"window:  {Format(window.From)} to {Format(window.To)} UTC{(window.ClampedBy is { } clamp ? $" (clamped: {clamp})" : "")}");
            var dry = parseResult.GetValue(dryRun);
            var result = await reconciler.RunAsync(window, dry, new RunningCount(), cancellationToken);
            var c = result.Counts;
            if (result.Error is { } error)
            {
                Console.WriteLine($"failed:  listed {c.Listed}, applied {c.Applied}, already claimed {c.AlreadyClaimed}, failed {c.Failed}; the next run covers this window");
                throw new CliException(error, ExitCodes.Failed);
            }

            if (dry)
            {
                foreach (var candidate in result.WouldApply)
                {
                    Console.WriteLine($"would apply {candidate.Id} {candidate.Type} {Format(candidate.Created)}");
                }

                Console.WriteLine($"dry run: listed {c.Listed}, would apply {result.WouldApply.Count}, already claimed {c.AlreadyClaimed}, unparsable {c.Failed}; nothing changed");
                return ExitCodes.Success;
            }

            Console.WriteLine($"done:    listed {c.Listed}, applied {c.Applied}, already claimed {c.AlreadyClaimed}, failed {c.Failed}{(c.Failed > 0 ? " (see `webhooks failures`)" : "")}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>The running count on stderr, one line each time it changes, so stdout keeps the window and the summary.</summary>
    private sealed class RunningCount : IProgress<ReconcileCounts>
    {
        private ReconcileCounts _last;

        public void Report(ReconcileCounts value)
        {
            if (value != _last)
            {
                _last = value;
                Console.Error.WriteLine($"... listed {value.Listed}, applied {value.Applied}, already claimed {value.AlreadyClaimed}, failed {value.Failed}");
            }
        }
    }
}
