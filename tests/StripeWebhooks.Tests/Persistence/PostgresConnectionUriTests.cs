using Npgsql;
using StripeWebhooks.Persistence;

namespace StripeWebhooks.Tests.Persistence;

/// <summary>The postgresql:// URI form is accepted where an Npgsql connection string is expected.</summary>
public class PostgresConnectionUriTests
{
    [Fact]
    public void A_uri_becomes_the_same_settings_as_a_connection_string()
    {
        var converted = new NpgsqlConnectionStringBuilder(PostgresConnectionUri.ToConnectionString(
            "postgresql://app%40corp:p%3Ass@db.example.com:6432/webhooks?sslmode=verify-full&application_name=receiver"));

        Assert.Equal(("db.example.com", 6432, "app@corp", "p:ss", "webhooks"), (converted.Host, converted.Port, converted.Username, converted.Password, converted.Database));
        Assert.Equal(SslMode.VerifyFull, converted.SslMode);
        Assert.Equal("receiver", converted.ApplicationName);
    }

    [Fact]
    public void Serves_psql_line_converts()
    {
        var converted = new NpgsqlConnectionStringBuilder(PostgresConnectionUri.ToConnectionString("postgres://postgres@127.0.0.1:44121/webhooks"));

        Assert.Equal(("127.0.0.1", 44121, "postgres", "webhooks"), (converted.Host, converted.Port, converted.Username, converted.Database));
    }

    [Fact]
    public void A_connection_string_is_left_as_it_is()
    {
        Assert.Equal("Host=h;Database=d", PostgresConnectionUri.ToConnectionString("Host=h;Database=d"));
        Assert.Null(PostgresConnectionUri.ToConnectionString(null));
    }

    [Fact]
    public void A_parameter_it_does_not_convert_is_refused_naming_it_and_not_the_password()
    {
        var error = Assert.Throws<ArgumentException>(() => PostgresConnectionUri.ToConnectionString("postgresql://u:secret@h/d?krbsrvname=x"));

        Assert.Contains("'krbsrvname'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }
}
