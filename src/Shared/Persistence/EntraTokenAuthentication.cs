using Azure.Core;
using Azure.Identity;
using Npgsql;

namespace StripeWebhooks.Persistence;

/// <summary>
/// Lets a data source sign in to Azure Database for PostgreSQL with Microsoft Entra access tokens
/// (a managed identity on Azure, the developer's <c>az</c>/<c>azd</c> login elsewhere) instead of a password.
/// </summary>
/// <remarks>
/// The server has password authentication disabled, so the token is the only credential: nothing
/// secret lives in configuration. Npgsql's periodic password provider fetches the token on a timer,
/// off the connection-open path, and keeps the last good token while a refresh is retried.
/// </remarks>
internal static class EntraTokenAuthentication
{
    /// <summary>The token audience Azure Database for PostgreSQL accepts.</summary>
    public const string Scope = "https://ossrdbms-aad.database.windows.net/.default";

    /// <summary>How often a fresh token is fetched after a successful fetch.</summary>
    /// <remarks>
    /// Entra access tokens live at least an hour (managed identity tokens usually far longer), so a
    /// 30-minute refresh leaves a failed refresh half an hour of retries before new connections fail.
    /// Open connections are not affected: the token is only checked when a connection signs in.
    /// </remarks>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(30);

    /// <summary>How soon a failed token fetch is retried.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(10);

    /// <summary>Upper bound on one token fetch, so a hung identity endpoint cannot stall refreshes.</summary>
    internal static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(30);

    internal const string MissingUsernameMessage =
        "Postgres__UseEntraAuth is true but ConnectionStrings__Webhooks has no Username. " +
        "Set Username to the database role of the Entra principal (on Azure: the managed identity's name).";

    /// <summary>
    /// Decides whether the data source should authenticate with Entra tokens.
    /// </summary>
    /// <param name="connectionString">The <c>ConnectionStrings__Webhooks</c> value.</param>
    /// <param name="useEntraAuth">The <c>Postgres__UseEntraAuth</c> flag.</param>
    /// <returns><see langword="true"/> when the flag is set and the connection string has no password.</returns>
    /// <exception cref="InvalidOperationException">
    /// The flag is set and the connection string also has a password: one of the two is a mistake,
    /// and guessing which would either leak a stale password or silently ignore the flag.
    /// </exception>
    public static bool ShouldUseEntraAuth(string connectionString, bool useEntraAuth)
    {
        ArgumentNullException.ThrowIfNull(connectionString);

        if (!useEntraAuth)
        {
            return false;
        }

        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(settings.Password))
        {
            // Never echo the connection string: it holds the password we are complaining about.
            throw new InvalidOperationException(
                "Postgres__UseEntraAuth is true but ConnectionStrings__Webhooks contains a password. " +
                "Remove the password to sign in with a Microsoft Entra token, or set Postgres__UseEntraAuth to false.");
        }

        return true;
    }

    /// <summary>
    /// Makes <paramref name="builder"/> sign in with Entra access tokens from
    /// <see cref="DefaultAzureCredential"/>, refreshed every <see cref="RefreshInterval"/>.
    /// </summary>
    /// <param name="builder">A builder whose connection string names the Entra principal as <c>Username</c> and has no password.</param>
    /// <param name="managedIdentityClientId">
    /// Client id of the user-assigned managed identity (<c>Postgres__ManagedIdentityClientId</c>); empty lets
    /// the credential chain choose, which is what a developer running <c>webhooks migrate</c> wants.
    /// </param>
    public static void Configure(NpgsqlDataSourceBuilder builder, string? managedIdentityClientId)
        => Configure(builder, CreateCredential(managedIdentityClientId));

    /// <summary>Wires <paramref name="credential"/> in as the periodic password provider.</summary>
    internal static void Configure(NpgsqlDataSourceBuilder builder, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(credential);

        if (string.IsNullOrWhiteSpace(builder.ConnectionStringBuilder.Username))
        {
            throw new InvalidOperationException(MissingUsernameMessage);
        }

        builder.UsePeriodicPasswordProvider(
            (_, cancellationToken) => FetchTokenAsync(credential, cancellationToken),
            RefreshInterval,
            RetryInterval);
    }

    internal static DefaultAzureCredential CreateCredential(string? managedIdentityClientId)
    {
        var options = new DefaultAzureCredentialOptions();
        if (!string.IsNullOrWhiteSpace(managedIdentityClientId))
        {
            options.ManagedIdentityClientId = managedIdentityClientId.Trim();
        }

        return new DefaultAzureCredential(options);
    }

    internal static async ValueTask<string> FetchTokenAsync(TokenCredential credential, CancellationToken cancellationToken)
    {
        // Npgsql only cancels this token when the data source is disposed; bound each attempt ourselves.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(FetchTimeout);

        var token = await credential.GetTokenAsync(new TokenRequestContext([Scope]), timeout.Token);
        return token.Token;
    }
}
