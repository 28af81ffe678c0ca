using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StripeWebhooks.Cli.Development;
using StripeWebhooks.Development;

namespace StripeWebhooks.Cli.Commands;

/// <summary>Configuration and services for the one-shot commands (everything but <c>serve</c> and <c>send</c>).</summary>
internal static class CliConfiguration
{
    /// <summary>What to do when there is no database to use; the one-shot commands answer it with exit code 2.</summary>
    public const string NoDatabaseMessage =
        "ConnectionStrings__Webhooks is not set and no `webhooks serve` with a private Postgres is running. " +
        "Start `webhooks serve` in another terminal, or set ConnectionStrings__Webhooks=\"Host=...;Database=...;Username=...\".";

    /// <summary>
    /// The pipeline's services over the environment variables docs/configuration.md names (<c>__</c> nests),
    /// logging warnings to stderr so stdout carries only the command's output.
    /// </summary>
    /// <remarks>
    /// Without <c>ConnectionStrings__Webhooks</c> the database is the private Postgres of the running
    /// <c>webhooks serve</c> (the newest, when several run), named on stderr, with serve's development price map when no
    /// <c>Billing__Prices__*</c> is set, so <c>replay</c> applies what serve would have.
    /// </remarks>
    /// <exception cref="CliException">No connection string and no serve running.</exception>
    public static ServiceProvider BuildServices()
    {
        var environment = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var development = new Dictionary<string, string?>();
        if (string.IsNullOrEmpty(environment.GetConnectionString("Webhooks")))
        {
            var running = ServeRegistry.FindRunning();
            var serve = running.Count > 0 ? running[0] : throw new CliException(NoDatabaseMessage);
            var others = running.Count > 1 ? $"; {running.Count - 1} other serve(s) running, this is the newest" : "";
            var database = new Npgsql.NpgsqlConnectionStringBuilder(serve.ConnectionString);
            Console.Error.WriteLine($"database: {database.Host}:{database.Port}/{database.Database}, the private Postgres of webhooks serve (pid {serve.ProcessId}{others})");
            development["ConnectionStrings:Webhooks"] = serve.ConnectionString;
            if (serve.SamplePrices && !environment.GetSection("Billing:Prices").GetChildren().Any())
            {
                development[$"Billing:Prices:{SampleEvents.SamplePriceId}"] = SampleEvents.SampleTier;
            }
        }

        return new ServiceCollection()
            // One console provider: the first call sets its format, the second sends every level to stderr.
            .AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace))
            .AddStripeWebhooks(new ConfigurationBuilder().AddEnvironmentVariables().AddInMemoryCollection(development).Build())
            .BuildServiceProvider();
    }
}
