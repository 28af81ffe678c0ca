namespace StripeWebhooks.Persistence;

/// <summary>
/// How the app signs in to PostgreSQL (configuration section <c>Postgres</c>, so
/// <c>Postgres__UseEntraAuth</c> and <c>Postgres__ManagedIdentityClientId</c> as environment variables).
/// </summary>
/// <remarks>
/// On Azure the connection string carries no password: the function app's managed identity gets a
/// Microsoft Entra access token and presents it as the password (see
/// <see cref="EntraTokenAuthentication"/>). Locally the defaults leave a plain
/// password connection string untouched.
/// </remarks>
internal sealed class PostgresOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Postgres";

    /// <summary>
    /// Sign in with Microsoft Entra access tokens instead of a password. Only valid when
    /// <c>ConnectionStrings__Webhooks</c> has no password.
    /// </summary>
    public bool UseEntraAuth { get; set; }

    /// <summary>
    /// Client id of the user-assigned managed identity to request tokens as. Empty means
    /// <c>DefaultAzureCredential</c> picks the identity (a developer's <c>az</c>/<c>azd</c> login locally).
    /// </summary>
    public string? ManagedIdentityClientId { get; set; }
}
