using Microsoft.Extensions.Logging;
using Npgsql;

namespace StripeWebhooks.Persistence;

/// <summary>Builds the process's one <see cref="NpgsqlDataSource"/> from <c>ConnectionStrings__Webhooks</c>.</summary>
internal static class WebhookDataSourceFactory
{
    /// <summary>Configuration key of the connection string.</summary>
    public const string ConnectionStringKey = "ConnectionStrings__Webhooks";

    /// <summary>
    /// Creates the data source; prepared statements are on and pooled connections are not reset, unless the
    /// connection string says otherwise.
    /// </summary>
    /// <remarks>
    /// The claim batch runs on every request; auto-preparation spares Postgres from planning it each time
    /// (planning was the simple protocol's main cost: bench/README.md, "Figures from code comments"). Resetting a pooled connection costs seven
    /// more statements (RESET ALL, DISCARD TEMP, ...) on each request; nothing here leaves session state
    /// behind (settings are per transaction: <c>set_config(..., true)</c>, <c>SET LOCAL</c>), and handlers
    /// must not either.
    /// </remarks>
    public static NpgsqlDataSource Create(string connectionString, ILoggerFactory? loggerFactory = null, PostgresOptions? postgres = null)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (postgres is not null && EntraTokenAuthentication.ShouldUseEntraAuth(connectionString, postgres.UseEntraAuth))
        {
            EntraTokenAuthentication.Configure(builder, postgres.ManagedIdentityClientId);
        }

        if (!connectionString.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }

        if (!connectionString.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            builder.ConnectionStringBuilder.NoResetOnClose = true;
        }

        // Which statement of a batch failed (PostgresException.BatchCommand): a writer's, or the claim's (WriterRoundTrip).
        builder.ConnectionStringBuilder.IncludeFailedBatchedCommand = true;

        if (string.IsNullOrEmpty(builder.ConnectionStringBuilder.ApplicationName))
        {
            builder.ConnectionStringBuilder.ApplicationName = "stripe-webhooks";
        }

        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        return builder.Build();
    }
}
