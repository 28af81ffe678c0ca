using System.Globalization;
using Npgsql;

namespace StripeWebhooks.Persistence;

/// <summary>
/// Accepts the libpq URI form, <c>postgresql://user:password@host:port/database?sslmode=require</c>, where an Npgsql
/// connection string is expected: it is what <c>psql</c>, hosting providers and <c>webhooks serve</c>'s banner print.
/// </summary>
internal static class PostgresConnectionUri
{
    private static readonly Dictionary<string, string> QueryKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["application_name"] = "Application Name",
        ["connect_timeout"] = "Timeout",
        ["options"] = "Options",
        ["target_session_attrs"] = "Target Session Attributes",
    };

    /// <summary>
    /// <paramref name="value"/> as an Npgsql connection string: a <c>postgresql://</c> or <c>postgres://</c> URI is
    /// converted; anything else is returned unchanged (Npgsql's own parser judges it).
    /// </summary>
    /// <exception cref="ArgumentException">A URI that cannot be read, or with a parameter this conversion does not know.</exception>
    public static string? ToConnectionString(string? value)
    {
        if (value is null || !(value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)))
        {
            return value;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException("The postgresql:// URI cannot be read (one host, e.g. postgresql://user@host:5432/database).");
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host.Trim('[', ']') };
        if (uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        if (uri.UserInfo.Length > 0)
        {
            var separator = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(separator < 0 ? uri.UserInfo : uri.UserInfo[..separator]);
            if (separator >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(separator + 1)..]);
            }
        }

        if (uri.AbsolutePath.Trim('/') is { Length: > 0 } database)
        {
            builder.Database = Uri.UnescapeDataString(database);
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, text) = pair.IndexOf('=', StringComparison.Ordinal) is var at and >= 0 ? (pair[..at], Uri.UnescapeDataString(pair[(at + 1)..])) : (pair, "");
            if (!QueryKeys.TryGetValue(key, out var npgsqlKey))
            {
                throw new ArgumentException($"The postgresql:// URI has a parameter '{key}' this receiver does not convert; use the Host=...;Database=... form.");
            }

            builder[npgsqlKey] = npgsqlKey == "SSL Mode" ? CultureInfo.InvariantCulture.TextInfo.ToTitleCase(text.Replace("-", "", StringComparison.Ordinal)) : text;
        }

        return builder.ConnectionString;
    }
}
