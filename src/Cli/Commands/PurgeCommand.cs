using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using StripeWebhooks.Persistence;

namespace StripeWebhooks.Cli.Commands;

/// <summary><c>webhooks purge [--older-than 30d]</c>: runs the retention purge once.</summary>
internal static class PurgeCommand
{
    public static Command Create()
    {
        var olderThan = new Option<string?>("--older-than")
        {
            Description = $"Age of the claims to delete, e.g. 30d or 96h (default: Webhooks__RetentionDays; never less than {WebhookOptions.MinimumRetentionDays}d).",
        };
        olderThan.Age("30d or 96h").Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string?>() ?? "";
            if (OptionChecks.ParseAge(text) is { } age && age < TimeSpan.FromDays(WebhookOptions.MinimumRetentionDays))
            {
                result.AddError($"--older-than {text} is inside Stripe's 3-day retry window: claims younger than {WebhookOptions.MinimumRetentionDays}d are never purged.");
            }
        });
        var command = new Command("purge", "Delete claims older than the retention period, in batches.") { olderThan };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var age = parseResult.GetValue(olderThan) is { } text ? OptionChecks.ParseAge(text) : null;
            await using var services = CliConfiguration.BuildServices();
            var purger = services.GetRequiredService<RetentionPurger>();
            var deleted = await WithProgressAsync(progress => age is { } value
                ? purger.PurgeOlderThanAsync(value, progress, cancellationToken)
                : purger.PurgeExpiredAsync(progress, cancellationToken));
            Console.WriteLine($"purged {deleted} claim(s)");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Runs the purge under a live status line on stderr (a spinner and the running count) when stderr is a terminal;
    /// redirected, nothing but the final count is written.
    /// </summary>
    private static async Task<long> WithProgressAsync(Func<IProgress<long>, Task<long>> purge)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        if (!console.Profile.Capabilities.Interactive)
        {
            return await purge(new Progress<long>());
        }

        return await console.Status().StartAsync("purging expired claims ...", async context =>
        {
            var progress = new Progress<long>(deleted => context.Status($"purging expired claims: {deleted:N0} deleted so far ..."));
            return await purge(progress);
        });
    }
}
