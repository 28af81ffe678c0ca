using Npgsql;

namespace StripeWebhooks.Tests.Support;

/// <summary>A count read from a test database, for assertions.</summary>
public static class DatabaseValues
{
    /// <summary>The <c>bigint</c> that <paramref name="sql"/> (say, a <c>count(*)</c>) returns.</summary>
    public static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <inheritdoc cref="CountAsync(NpgsqlDataSource, string)"/>
    public static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        return await CountAsync(dataSource, sql);
    }
}
