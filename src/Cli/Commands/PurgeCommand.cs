using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using StripeWebhooks.Persistence;

namespace StripeWebhooks.Cli.Commands;

/// <summary><c>webhooks purge [--older-than 30d]</c>: runs the retention purge once.</summary>
internal static class PurgeCommand
{
    public static Command Create()
    {
        var olderThan = new Option<string?>("--older-than")
        {
            Description = "Age of the claims to delete, e.g. 30d or 96h (default: Webhooks__RetentionDays; never less than 4d).",
        };
        var command = new Command("purge", "Delete claims older than the retention period, in batches.") { olderThan };
        command.SetAction((parseResult, cancellationToken) => CliConfiguration.RunAsync(async () =>
        {
            TimeSpan? age = null;
            if (parseResult.GetValue(olderThan) is { } text)
            {
                if (ParseAge(text) is not { } parsed)
                {
                    await Console.Error.WriteLineAsync($"error: --older-than '{text}' is not an age like 30d or 96h.");
                    return 2;
                }

                age = parsed;
            }

            await using var services = CliConfiguration.BuildServices();
            var purger = services.GetRequiredService<RetentionPurger>();
            try
            {
                var deleted = age is { } value
                    ? await purger.PurgeOlderThanAsync(value, cancellationToken)
                    : await purger.PurgeExpiredAsync(cancellationToken);
                Console.WriteLine($"purged {deleted} claim(s)");
                return 0;
            }
            catch (ArgumentOutOfRangeException ex)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message.Split(Environment.NewLine)[0]}");
                return 2;
            }
        }));
        return command;
    }

    /// <summary>Parses <c>30d</c>, <c>96h</c> or <c>90m</c>.</summary>
    internal static TimeSpan? ParseAge(string text)
    {
        if (text.Length < 2 || !double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            return null;
        }

        return char.ToLowerInvariant(text[^1]) switch
        {
            'd' => TimeSpan.FromDays(amount),
            'h' => TimeSpan.FromHours(amount),
            'm' => TimeSpan.FromMinutes(amount),
            _ => null,
        };
    }
}
