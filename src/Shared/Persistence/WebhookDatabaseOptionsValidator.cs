using Microsoft.Extensions.Options;
using Npgsql;

namespace StripeWebhooks.Persistence;

/// <summary>
/// Checks <c>ConnectionStrings__Webhooks</c> and its combination with <c>Postgres__UseEntraAuth</c> when the host
/// starts, so a function app never starts only to fail its first request when the data source is built.
/// </summary>
internal sealed class WebhookDatabaseOptionsValidator(IOptions<PostgresOptions> postgres) : IValidateOptions<WebhookDatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookDatabaseOptions options)
    {
        NpgsqlConnectionStringBuilder settings;
        try
        {
            // An unreadable postgresql:// URI is left as it was: say what is wrong with it (no value, no password).
            PostgresConnectionUri.ToConnectionString(options.ConnectionString);
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail($"{WebhookDataSourceFactory.ConnectionStringKey}: {ex.Message}");
        }

        try
        {
            settings = new NpgsqlConnectionStringBuilder(options.ConnectionString ?? string.Empty);
        }
        catch (ArgumentException)
        {
            settings = new NpgsqlConnectionStringBuilder();
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail(
                $"{WebhookDataSourceFactory.ConnectionStringKey} must be set to an Npgsql connection string (Host=...;Database=...;Username=...) or a postgresql:// URI.");
        }

        if (settings.Count == 0)
        {
            // Never echo the value: a malformed string may still hold a password.
            return ValidateOptionsResult.Fail(
                $"{WebhookDataSourceFactory.ConnectionStringKey} is not an Npgsql connection string; expected Host=...;Database=...;Username=... or postgresql://user@host:port/database");
        }

        try
        {
            if (EntraTokenAuthentication.ShouldUseEntraAuth(options.ConnectionString, postgres.Value.UseEntraAuth)
                && string.IsNullOrWhiteSpace(settings.Username))
            {
                return ValidateOptionsResult.Fail(EntraTokenAuthentication.MissingUsernameMessage);
            }
        }
        catch (InvalidOperationException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }

        return ValidateOptionsResult.Success;
    }
}
