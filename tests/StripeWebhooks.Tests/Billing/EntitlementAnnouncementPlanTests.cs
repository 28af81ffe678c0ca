using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeWebhooks.Development;
using StripeWebhooks.Events;
using StripeWebhooks.Processing;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Billing;

public class EntitlementAnnouncementPlanTests
{
    private static StripeEvent SubscriptionUpdated(int n) => ParsedEvents.Parse(SampleEvents.Build("customer.subscription.updated",
        $"evt_plan_{n}", 1_700_000_000 + n, subscriptionId: $"sub_plan_{n % 7}", customerId: $"cus_plan_{n % 7}"));

    [Fact]
    public async Task Producer_statements_first_planned_on_empty_tables_use_the_indexes_once_the_tables_are_analyzed()
    {
        // One session, and statistics that say every table is empty while the plans are made.
        await using var services = await PipelineServices.CreateOneSessionOnEmptyStatisticsAsync();
        var processor = services.GetRequiredService<StripeEventProcessor>();
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();

        // Each event is a subscription's first: it changes an entitlement, so stripe_announce_entitlements plans its
        // statements in this session while the statistics say the tables are empty.
        for (var n = 0; n < 12; n++)
        {
            Assert.Equal(ProcessingOutcome.Processed, (await processor.ProcessAsync(SubscriptionUpdated(n), CancellationToken.None)).Outcome);
        }

        await using var connection = await dataSource.OpenConnectionAsync();
        await ExecuteAsync(connection, """
            INSERT INTO stripe_subscriptions (subscription_id, customer_id, user_id, status, tier)
            SELECT 'sub_seed_' || g, 'cus_seed_' || g, 'user_seed_' || g, 'active', 'pro' FROM generate_series(1, 5000) g;
            INSERT INTO stripe_entitlement_announcements (user_id, tier, status, stripe_subscription_id, previous_tier)
            SELECT 'user_seed_' || g, 'pro', 'active', 'sub_seed_' || g, 'free' FROM generate_series(1, 5000) g;
            INSERT INTO stripe_customers (customer_id, user_id, last_event_id, last_event_created)
            SELECT 'cus_seed_' || g, 'user_seed_' || g, 'evt_seed', now() FROM generate_series(1, 5000) g;
            ANALYZE;
            """);

        // What autovacuum gives a deployed database: statistics, which make the session plan the statements again.
        // auto_explain shows the plans the function's statements then run with, as notices.
        var plans = new List<string>();
        connection.Notice += (_, e) => plans.Add(e.Notice.MessageText);
        await ExecuteAsync(connection, """
            LOAD 'auto_explain';
            SET auto_explain.log_min_duration = 0;
            SET auto_explain.log_nested_statements = on;
            SET auto_explain.log_level = notice;
            """);
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            // An event this transaction claimed, whose write changed sub_seed_5's entitlement.
            await ExecuteAsync(connection, """
                INSERT INTO processed_stripe_events (event_id, event_type, event_created, livemode) VALUES ('evt_x', 'customer.subscription.updated', now(), false);
                UPDATE stripe_subscriptions SET entitlement_event_id = 'evt_x', status = 'past_due' WHERE subscription_id = 'sub_seed_5';
                SELECT stripe_announce_entitlements('evt_x', NULL, 'cus_seed_5', 'sub_seed_5', 1);
                """, transaction);
            await transaction.RollbackAsync();
        }

        foreach (var statement in new[] { "DO UPDATE SET updated_at = a.updated_at WHERE FALSE", "INSERT INTO stripe_outbox" })
        {
            var plan = Assert.Single(plans, p => p.Contains(statement, StringComparison.Ordinal));
            Assert.DoesNotContain("Seq Scan on stripe_", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("JIT", plan, StringComparison.Ordinal);
            Assert.Contains("stripe_entitlement_announcements_subscription_idx", plan, StringComparison.Ordinal);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
    }

    // The settings a producer once changed for its own statements: whatever runs next must find Postgres's defaults.
    private static readonly string[] PlannerSettings = ["plan_cache_mode", "enable_seqscan", "jit"];

    [Fact]
    public async Task A_handler_after_the_producer_in_the_same_transaction_gets_the_planner_settings_back()
    {
        var connectionString = await TestDatabase.CreateAsync() + ";Maximum Pool Size=1";
        // Registered after the built-in writer of the type: its statements go first, in the same transaction.
        var handler = new SettingsProbe(PlannerSettings, "customer.subscription.updated");
        await using var services = PipelineServices.Create(connectionString, configure: s => s.AddSingleton<IStripeEventHandler>(handler));
        var expected = await DefaultsAsync(services);

        Assert.Equal(ProcessingOutcome.Processed, (await services.GetRequiredService<StripeEventProcessor>().ProcessAsync(SubscriptionUpdated(1), CancellationToken.None)).Outcome);

        Assert.Equal(expected, handler.Settings);
    }

    [Fact]
    public async Task The_producers_planner_settings_end_with_its_commit()
    {
        // One pooled connection: the probed delivery reuses the subscription delivery's session.
        var connectionString = await TestDatabase.CreateAsync() + ";Maximum Pool Size=1";
        var handler = new SettingsProbe(PlannerSettings, "test.probed");
        await using var services = PipelineServices.Create(connectionString, configure: s => s.AddSingleton<IStripeEventHandler>(handler));
        var expected = await DefaultsAsync(services);
        var processor = services.GetRequiredService<StripeEventProcessor>();

        // Built-in writers only: one batch that ends with COMMIT, nothing sent to restore the settings.
        Assert.Equal(ProcessingOutcome.Processed, (await processor.ProcessAsync(SubscriptionUpdated(1), CancellationToken.None)).Outcome);
        Assert.Equal(ProcessingOutcome.Processed, (await processor.ProcessAsync(ParsedEvents.Parse("test.probed"), CancellationToken.None)).Outcome);

        Assert.Equal(expected, handler.Settings);
    }

    private static async Task<string> DefaultsAsync(ServiceProvider services)
    {
        await using var read = services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT concat_ws('|', current_setting('plan_cache_mode'), current_setting('enable_seqscan'), current_setting('jit'))");
        return (string)(await read.ExecuteScalarAsync())!;
    }
}
