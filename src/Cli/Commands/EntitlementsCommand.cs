using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using StripeWebhooks.Operations;

namespace StripeWebhooks.Cli.Commands;

/// <summary><c>webhooks entitlements [USER_ID]</c>: the <c>entitlements</c> view, one user or all of them.</summary>
internal static class EntitlementsCommand
{
    public static Command Create()
    {
        var userId = new Argument<string?>("user-id") { Description = "One app user (default: every user).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("entitlements", "Show the entitlements view: tier, status, period end, cancel_at_period_end and subscription per user.") { userId };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var user = parseResult.GetValue(userId);
            await using var services = CliConfiguration.BuildServices();
            var queries = services.GetRequiredService<EntitlementQueries>();
            var rows = await queries.ListAsync(user, cancellationToken);
            if (rows.Count == 0)
            {
                var tier = await queries.DefaultTierAsync(cancellationToken);
                Console.WriteLine(user is null
                    ? $"no entitlements yet: every user is on the default tier '{tier}'"
                    : $"{user}: no entitlement row, so the default tier '{tier}'");
                return ExitCodes.Success;
            }

            Console.WriteLine($"{"USER ID",-28} {"TIER",-12} {"STATUS",-20} {"PERIOD END (UTC)",-20} {"CANCEL AT END",-13} SUBSCRIPTION");
            foreach (var row in rows)
            {
                var cancel = row.CancelAtPeriodEnd switch { true => "yes", false => "no", null => "-" };
                var periodEnd = row.CurrentPeriodEnd?.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) ?? "-";
                Console.WriteLine($"{row.UserId,-28} {row.Tier,-12} {row.Status ?? "-",-20} {periodEnd,-20} {cancel,-13} {row.SubscriptionId ?? "-"}");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
