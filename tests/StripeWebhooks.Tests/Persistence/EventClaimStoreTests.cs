using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using StripeWebhooks.Events;
using StripeWebhooks.Persistence;
using StripeWebhooks.Processing;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Persistence;

/// <summary>The claim batch's plans and settings, on a real Postgres.</summary>
public class EventClaimStoreTests
{
    // What the claim batch (and its purge) set for its own statements.
    private static readonly string[] ClaimSettings = ["lock_timeout", "plan_cache_mode", "enable_seqscan", "enable_sort"];

    private static async Task ClaimAsync(NpgsqlConnection connection, EventClaimStore store)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        Assert.True((await store.TryClaimAsync(connection, transaction, ParsedEvents.Parse(), CancellationToken.None)).Claimed);
        await transaction.CommitAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Purge_prepared_on_an_empty_table_keeps_an_index_plan_and_is_never_replanned()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using var dataSource = WebhookDataSourceFactory.Create(connectionString);
        var store = new EventClaimStore(Options.Create(new WebhookOptions()));
        await using var connection = await dataSource.OpenConnectionAsync();
        // The worst case: statistics that say the table is empty while the cached plan is made.
        await using (var analyze = new NpgsqlCommand("VACUUM ANALYZE processed_stripe_events", connection))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        // Requests 1 and 9 purge (one in eight): the second use prepares the statement, on an empty table.
        for (var i = 0; i < 16; i++)
        {
            await ClaimAsync(connection, store);
        }

        await using (var expired = new NpgsqlCommand("""
            INSERT INTO processed_stripe_events (event_id, event_type, processed_at)
            SELECT 'evt_expired_' || g, 'test.seeded', now() - interval '30 days 10 minutes' FROM generate_series(1, 5000) g
            """, connection))
        {
            await expired.ExecuteNonQueryAsync();
        }

        // Request 17 purges a full batch, so the next ones do too.
        for (var i = 0; i < 3; i++)
        {
            await ClaimAsync(connection, store);
        }

        // The cached generic plan, exactly as the claim batch runs it.
        var text = await CachedPlans.OnlyGenericPlanAsync(connection, "%FOR UPDATE SKIP LOCKED%", "30, 100, '-infinity'");
        Assert.DoesNotContain("Seq Scan", text, StringComparison.Ordinal);
        Assert.Contains("Index Scan using processed_stripe_events_processed_at_idx", text, StringComparison.Ordinal);
        Assert.Contains("Tid Scan on processed_stripe_events", text, StringComparison.Ordinal);
        Assert.Equal(4_700L, await ScalarAsync<long>(connection, "SELECT count(*) FROM processed_stripe_events WHERE event_id LIKE 'evt_expired_%'"));
    }

    [Fact]
    public async Task Handlers_run_with_the_lock_timeout_and_the_default_planner_settings()
    {
        var connectionString = await TestDatabase.CreateAsync();
        var handler = new SettingsProbe(ClaimSettings, "test.probed");
        await using var services = PipelineServices.Create(connectionString,
            new Dictionary<string, string?> { ["Webhooks__LockTimeoutSeconds"] = "3" },
            s => s.AddSingleton<IStripeEventHandler>(handler));

        // The first request purges on its way, the second does not: both leave the handler the same settings.
        for (var i = 0; i < 2; i++)
        {
            var result = await services.GetRequiredService<StripeEventProcessor>().ProcessAsync(ParsedEvents.Parse("test.probed"), CancellationToken.None);

            Assert.Equal(ProcessingOutcome.Processed, result.Outcome);
            Assert.Equal("3s|auto|on|on", handler.Settings);
        }
    }

    [Fact]
    public async Task Planner_settings_of_an_unhandled_delivery_end_with_its_batch()
    {
        // One pooled connection: the probed delivery reuses the unhandled delivery's session.
        var connectionString = await TestDatabase.CreateAsync() + ";Maximum Pool Size=1";
        var handler = new SettingsProbe(ClaimSettings, "test.probed");
        await using var services = PipelineServices.Create(connectionString, configure: s => s.AddSingleton<IStripeEventHandler>(handler));
        var processor = services.GetRequiredService<StripeEventProcessor>();

        Assert.Equal(ProcessingOutcome.Processed, (await processor.ProcessAsync(ParsedEvents.Parse(), CancellationToken.None)).Outcome);
        Assert.Equal(ProcessingOutcome.Processed, (await processor.ProcessAsync(ParsedEvents.Parse("test.probed"), CancellationToken.None)).Outcome);

        Assert.Equal("10s|auto|on|on", handler.Settings);
    }
}
