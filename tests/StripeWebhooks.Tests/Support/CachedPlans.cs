using Npgsql;

namespace StripeWebhooks.Tests.Support;

/// <summary>What Postgres cached for a statement a connection prepared (Npgsql's automatic preparation).</summary>
public static class CachedPlans
{
    /// <summary>
    /// EXPLAIN of the cached generic plan of the statement the connection prepared whose text is LIKE
    /// <paramref name="statementLike"/>, for <paramref name="arguments"/>; asserts that Postgres made no custom plan for it.
    /// </summary>
    public static async Task<string> OnlyGenericPlanAsync(NpgsqlConnection connection, string statementLike, string arguments)
    {
        var (name, customPlans) = await FindAsync(connection, statementLike);
        Assert.Equal(0L, customPlans);
        await using var explaining = await connection.BeginTransactionAsync();
        return await ExplainGenericAsync(connection, explaining, name, arguments);
    }

    /// <summary>The name of the prepared statement whose text is LIKE <paramref name="statementLike"/>, and how many custom plans it made.</summary>
    private static async Task<(string Name, long CustomPlans)> FindAsync(NpgsqlConnection connection, string statementLike)
    {
        await using var find = new NpgsqlCommand("SELECT name, custom_plans FROM pg_prepared_statements WHERE statement LIKE $1", connection);
        find.Parameters.Add(new NpgsqlParameter<string> { TypedValue = statementLike });
        await using var reader = await find.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no prepared statement like {statementLike}");
        return (reader.GetString(0), reader.GetInt64(1));
    }

    /// <summary>EXPLAIN of the statement's cached generic plan for <paramref name="arguments"/>, inside <paramref name="transaction"/>.</summary>
    private static async Task<string> ExplainGenericAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, string arguments)
    {
        await using (var generic = new NpgsqlCommand("SELECT set_config('plan_cache_mode', 'force_generic_plan', true)", connection, transaction))
        {
            await generic.ExecuteScalarAsync();
        }

        var plan = new List<string>();
        await using var explain = new NpgsqlCommand($"EXPLAIN EXECUTE {name}({arguments})", connection, transaction);
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }

        return string.Join('\n', plan);
    }
}
