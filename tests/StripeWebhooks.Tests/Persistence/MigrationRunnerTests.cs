using Npgsql;
using StripeWebhooks.Persistence;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Persistence;

public class MigrationRunnerTests
{
    private static async Task<NpgsqlDataSource> EmptyDatabaseAsync()
    {
        var connectionString = await TestDatabase.CreateAsync();
        var dataSource = NpgsqlDataSource.Create(connectionString);
        // Start from nothing: the test databases are cloned from a migrated template.
        await using var reset = dataSource.CreateCommand("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
        await reset.ExecuteNonQueryAsync();
        return dataSource;
    }

    [Fact]
    public async Task Applying_twice_is_a_no_op()
    {
        await using var dataSource = await EmptyDatabaseAsync();
        var runner = new MigrationRunner(dataSource);
        var first = await runner.MigrateAsync(CancellationToken.None);
        var second = await runner.MigrateAsync(CancellationToken.None);
        Assert.Equal(Migration.Embedded.Count, first.Count);
        Assert.Empty(second);
    }

    [Fact]
    public async Task Two_runners_at_once_apply_each_file_once()
    {
        await using var dataSource = await EmptyDatabaseAsync();
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => new MigrationRunner(dataSource).MigrateAsync(CancellationToken.None))));
        Assert.Equal(Migration.Embedded.Count, runs.Sum(r => r.Count));
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM schema_migrations");
        Assert.Equal((long)Migration.Embedded.Count, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_changed_applied_migration_is_refused_and_changes_nothing()
    {
        await using var dataSource = await EmptyDatabaseAsync();
        await new MigrationRunner(dataSource).MigrateAsync(CancellationToken.None);
        var first = Migration.Embedded[0];
        var tampered = Migration.Embedded.Select(m => m == first ? m with { Sql = m.Sql + "\nCREATE TABLE sneaky (id int);" } : m).ToList();
        tampered.Add(new Migration(9999, "9999_later", "CREATE TABLE later (id int);"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new MigrationRunner(dataSource).MigrateAsync(tampered, CancellationToken.None));
        Assert.Contains(first.Name, error.Message, StringComparison.Ordinal);
        await using var later = dataSource.CreateCommand("SELECT to_regclass('later') IS NULL AND to_regclass('sneaky') IS NULL");
        Assert.True((bool)(await later.ExecuteScalarAsync())!);
    }

    [Fact]
    public void Embedded_migrations_are_numbered_and_additive()
    {
        Assert.NotEmpty(Migration.Embedded);
        Assert.Equal(Migration.Embedded.Select(m => m.Version).Distinct().Count(), Migration.Embedded.Count);
        foreach (var migration in Migration.Embedded)
        {
            var sql = string.Join('\n', migration.Sql.Split('\n').Where(line => !line.TrimStart().StartsWith("--", StringComparison.Ordinal))).ToUpperInvariant();
            Assert.DoesNotMatch(@"\bDROP\s+(TABLE|COLUMN|INDEX|SCHEMA)\b", sql);
            Assert.DoesNotMatch(@"\bALTER\s+COLUMN\b.*\b(TYPE|SET\s+NOT\s+NULL)\b", sql);
            Assert.DoesNotMatch(@"\bTRUNCATE\b", sql);
        }
    }
}
