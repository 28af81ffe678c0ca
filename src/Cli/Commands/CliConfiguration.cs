using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StripeWebhooks.Cli.Commands;

/// <summary>Configuration and services for the one-shot commands (everything but <c>serve</c>).</summary>
internal static class CliConfiguration
{
    /// <summary>Environment variables, as DESIGN.md's configuration table names them (<c>__</c> nests).</summary>
    public static IConfigurationRoot Load() => new ConfigurationBuilder().AddEnvironmentVariables().Build();

    /// <summary>The pipeline's services over <paramref name="configuration"/>, logging warnings to stderr.</summary>
    public static ServiceProvider BuildServices(IConfiguration configuration) =>
        new ServiceCollection()
            .AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace))
            .AddStripeWebhooks(configuration)
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
