using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StripeWebhooks.Cli.Commands;

/// <summary>Configuration and services for the one-shot commands (everything but <c>serve</c>).</summary>
internal static class CliConfiguration
{
    /// <summary>
    /// The pipeline's services over the environment variables DESIGN.md's configuration table names (<c>__</c> nests),
    /// logging warnings to stderr so stdout carries only the command's output.
    /// </summary>
    public static ServiceProvider BuildServices() =>
        new ServiceCollection()
            // One console provider: the first call sets its format, the second sends every level to stderr.
            .AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace))
            .AddStripeWebhooks(new ConfigurationBuilder().AddEnvironmentVariables().Build())
            .BuildServiceProvider();

    /// <summary>Runs <paramref name="action"/>, turning configuration errors into one clear line and exit code 2.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                await Console.Error.WriteLineAsync($"configuration error: {failure}");
            }

            return 2;
        }
        catch (Npgsql.NpgsqlException ex) when (ex is not Npgsql.PostgresException)
        {
            await Console.Error.WriteLineAsync($"error: cannot reach the database named by ConnectionStrings__Webhooks: {ex.Message}");
            return 1;
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase)
                                                   || ex.Message.Contains("Migration", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }
    }
}
