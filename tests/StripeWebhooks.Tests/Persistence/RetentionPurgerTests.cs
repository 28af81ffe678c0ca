using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeWebhooks.Persistence;
using StripeWebhooks.Processing;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Persistence;

public class RetentionPurgerTests
{
    // Expired 10 minutes ago: what requests purge on their way (older claims are the retention purge's).
    private static readonly TimeSpan JustExpired = TimeSpan.FromDays(30) + TimeSpan.FromMinutes(10);

    private static Task InsertClaimsAsync(NpgsqlDataSource dataSource, string prefix, int count, int ageDays) =>
        InsertClaimsAsync(dataSource, prefix, count, TimeSpan.FromDays(ageDays));

    private static async Task InsertClaimsAsync(NpgsqlDataSource dataSource, string prefix, int count, TimeSpan age)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO processed_stripe_events (event_id, event_type, processed_at)
            SELECT $1 || g, 'test.seeded', now() - $2 FROM generate_series(1, $3) g
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = prefix });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = age });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = count });
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string prefix)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM processed_stripe_events WHERE event_id LIKE $1 || '%'");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = prefix });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Retention_purge_deletes_exactly_the_expired_rows_in_batches()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using var services = PipelineServices.Create(connectionString, new Dictionary<string, string?> { ["Webhooks__PurgeBatchSize"] = "1000" });
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        await InsertClaimsAsync(dataSource, "evt_expired_", 2_500, ageDays: 31);
        await InsertClaimsAsync(dataSource, "evt_kept_", 40, ageDays: 29);

        var deleted = await services.GetRequiredService<RetentionPurger>().PurgeExpiredAsync(CancellationToken.None);

        Assert.Equal(2_500, deleted);
        Assert.Equal(0, await CountAsync(dataSource, "evt_expired_"));
        Assert.Equal(40, await CountAsync(dataSource, "evt_kept_"));
    }

    [Fact]
    public async Task Purge_refuses_an_age_inside_stripes_retry_window()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using var services = PipelineServices.Create(connectionString);
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        await InsertClaimsAsync(dataSource, "evt_recent_", 5, ageDays: 3);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            services.GetRequiredService<RetentionPurger>().PurgeOlderThanAsync(TimeSpan.FromDays(3), CancellationToken.None));
        Assert.Equal(5, await CountAsync(dataSource, "evt_recent_"));
    }

    [Fact]
    public async Task Opportunistic_purge_deletes_at_most_a_batch_and_nothing_inside_retention()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using var services = PipelineServices.Create(connectionString);
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        await InsertClaimsAsync(dataSource, "evt_expired_", 150, JustExpired);
        await InsertClaimsAsync(dataSource, "evt_kept_", 30, ageDays: 29);

        var result = await services.GetRequiredService<StripeEventProcessor>().ProcessAsync(ParsedEvents.Parse(), CancellationToken.None);

        Assert.Equal(ProcessingOutcome.Processed, result.Outcome);
        Assert.Equal(50, await CountAsync(dataSource, "evt_expired_"));
        Assert.Equal(30, await CountAsync(dataSource, "evt_kept_"));
    }

    [Fact]
    public async Task Opportunistic_purge_leaves_claims_expired_for_over_an_hour_to_the_retention_purge()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using var services = PipelineServices.Create(connectionString);
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        await InsertClaimsAsync(dataSource, "evt_backlog_", 20, TimeSpan.FromDays(30) + TimeSpan.FromHours(2));
        await InsertClaimsAsync(dataSource, "evt_expired_", 20, JustExpired);

        var result = await services.GetRequiredService<StripeEventProcessor>().ProcessAsync(ParsedEvents.Parse(), CancellationToken.None);

        Assert.Equal(ProcessingOutcome.Processed, result.Outcome);
        Assert.Equal(0, await CountAsync(dataSource, "evt_expired_"));
        Assert.Equal(20, await CountAsync(dataSource, "evt_backlog_"));
        Assert.Equal(20, await services.GetRequiredService<RetentionPurger>().PurgeExpiredAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Opportunistic_purge_runs_every_eighth_request_and_on_the_next_one_after_a_full_batch()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using var services = PipelineServices.Create(connectionString, new Dictionary<string, string?> { ["Webhooks__OpportunisticPurgeBatchSize"] = "10" });
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var processor = services.GetRequiredService<StripeEventProcessor>();
        await InsertClaimsAsync(dataSource, "evt_first_", 25, JustExpired + TimeSpan.FromMinutes(5));

        // 10 (full batch), 10 (full batch), 5: three requests in a row while a backlog lasts.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(ProcessingOutcome.Processed, (await processor.ProcessAsync(ParsedEvents.Parse(), CancellationToken.None)).Outcome);
        }

        Assert.Equal(0, await CountAsync(dataSource, "evt_first_"));

        // Then one request in eight; it resumes after the newest claim it deleted and takes what expired since.
        await InsertClaimsAsync(dataSource, "evt_later_", 5, JustExpired);
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(ProcessingOutcome.Processed, (await processor.ProcessAsync(ParsedEvents.Parse(), CancellationToken.None)).Outcome);
        }

        Assert.Equal(5, await CountAsync(dataSource, "evt_later_"));
        Assert.Equal(ProcessingOutcome.Processed, (await processor.ProcessAsync(ParsedEvents.Parse(), CancellationToken.None)).Outcome);
        Assert.Equal(0, await CountAsync(dataSource, "evt_later_"));
    }

    [Fact]
    public async Task Opportunistic_purge_never_waits_for_a_locked_row()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using var services = PipelineServices.Create(connectionString, new Dictionary<string, string?> { ["Webhooks__LockTimeoutSeconds"] = "1" });
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        await InsertClaimsAsync(dataSource, "evt_expired_", 20, JustExpired);

        // Another session holds every expired row.
        await using var holder = await dataSource.OpenConnectionAsync();
        await using var holding = await holder.BeginTransactionAsync();
        await using (var lockRows = new NpgsqlCommand("SELECT event_id FROM processed_stripe_events FOR UPDATE", holder, holding))
        {
            await lockRows.ExecuteNonQueryAsync();
        }

        // Had the purge waited, the 1 s lock timeout would have turned this into InFlight.
        var result = await services.GetRequiredService<StripeEventProcessor>().ProcessAsync(ParsedEvents.Parse(), CancellationToken.None);

        Assert.Equal(ProcessingOutcome.Processed, result.Outcome);
        await holding.RollbackAsync();
        Assert.Equal(20, await CountAsync(dataSource, "evt_expired_"));
    }
}
