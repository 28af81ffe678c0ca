using Npgsql;
using StripeWebhooks.Development;
using StripeWebhooks.Persistence;

namespace StripeWebhooks.Tests.Support;

/// <summary>
/// The real Postgres the tests run against: <c>WEBHOOKS_TEST_DATABASE</c> when set (a connection string to a
/// server where the user may create databases), otherwise a private server started once per test run.
/// Each test gets its own database cloned from a migrated template, so tests run in parallel.
/// </summary>
public static class TestDatabase
{
    public const string EnvironmentVariable = "WEBHOOKS_TEST_DATABASE";

    private const string TemplateName = "webhooks_test_template";

    private static readonly Lazy<Task<Server>> SharedServer = new(StartAsync);
    private static int _counter;

    /// <summary>A fresh, migrated database; returns its connection string.</summary>
    public static async Task<string> CreateAsync()
    {
        var server = await SharedServer.Value;
        var name = $"webhooks_test_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        await using (var connection = new NpgsqlConnection(server.AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE {TemplateName}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return WithDatabase(server.AdminConnectionString, name);
    }

    private static async Task<Server> StartAsync()
    {
        LocalPostgresServer? local = null;
        var admin = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrEmpty(admin))
        {
            local = await LocalPostgresServer.StartAsync();
            admin = local.ConnectionStringFor("postgres");
            AppDomain.CurrentDomain.ProcessExit += (_, _) => local.Stop();
        }

        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            // A template cannot be cloned while someone is connected to it, so it is built then left alone.
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {TemplateName}", connection);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {TemplateName}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var templateConnectionString = WithDatabase(admin, TemplateName);
        await using (var dataSource = NpgsqlDataSource.Create(templateConnectionString))
        {
            await new MigrationRunner(dataSource).MigrateAsync(CancellationToken.None);
        }

        NpgsqlConnection.ClearAllPools();
        return new Server(admin);
    }

    private static string WithDatabase(string connectionString, string database) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = database, Pooling = true, MaxPoolSize = 100 }.ConnectionString;

    private sealed record Server(string AdminConnectionString);
}
