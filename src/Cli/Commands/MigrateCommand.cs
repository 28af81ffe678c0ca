using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using StripeWebhooks.Persistence;

namespace StripeWebhooks.Cli.Commands;

/// <summary><c>webhooks migrate</c>: applies pending migrations to <c>ConnectionStrings__Webhooks</c> (or serve's private Postgres).</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Apply pending database migrations (to ConnectionStrings__Webhooks, or the running serve's private Postgres).");
        command.SetAction(async (_, cancellationToken) =>
        {
            await using var services = CliConfiguration.BuildServices();
            var applied = await services.GetRequiredService<MigrationRunner>().MigrateAsync(cancellationToken);
            foreach (var migration in applied)
            {
                Console.WriteLine($"applied {migration.Name}");
            }

            Console.WriteLine(applied.Count == 0 ? "database is up to date" : $"{applied.Count} migration(s) applied");
            return 0;
        });
        return command;
    }
}
