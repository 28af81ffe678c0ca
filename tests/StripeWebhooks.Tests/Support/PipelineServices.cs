using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace StripeWebhooks.Tests.Support;

/// <summary>The pipeline's services without a web host, over a given database.</summary>
public static class PipelineServices
{
    public static ServiceProvider Create(string connectionString, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Webhooks"] = connectionString,
            ["Stripe:WebhookSecrets:0"] = WebhookTestServer.Secret,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key.Replace("__", ":", StringComparison.Ordinal)] = value;
        }

        TestPrices.AddUnlessConfigured(values);

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging().AddStripeWebhooks(configuration);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>
    /// The pipeline over a new database with one pooled connection (every statement prepares on, and reuses, the same
    /// session), after an ANALYZE of its empty tables: the worst case for plans made from now on.
    /// </summary>
    public static async Task<ServiceProvider> CreateOneSessionOnEmptyStatisticsAsync()
    {
        var services = Create(await TestDatabase.CreateAsync() + ";Maximum Pool Size=1");
        await using var analyze = services.GetRequiredService<NpgsqlDataSource>().CreateCommand("ANALYZE");
        await analyze.ExecuteNonQueryAsync();
        return services;
    }
}
