using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeWebhooks.Development;
using StripeWebhooks.Events;
using StripeWebhooks.Processing;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Billing;

public class EntitlementAnnouncementPlanTests
{
    private static StripeEvent SubscriptionUpdated(int n)
    {
        var body = SampleEvents.ToBytes(SampleEvents.Build("customer.subscription.updated", $"evt_plan_{n}", 1_700_000_000 + n,
            subscriptionId: $"sub_plan_{n % 7}", customerId: $"cus_plan_{n % 7}"));
        Assert.True(StripeEventParser.TryParse(body, out var parsed, out var error), error);
        return parsed;
    }

    private static async Task<List<string>> GenericPlanAsync(NpgsqlConnection connection, string statementLike, string arguments)
    {
        await using var name = new NpgsqlCommand($"SELECT name FROM pg_prepared_statements WHERE statement LIKE '{statementLike}'", connection);
        var statement = (string)(await name.ExecuteScalarAsync())!;
        await using var custom = new NpgsqlCommand($"SELECT custom_plans FROM pg_prepared_statements WHERE name = '{statement}'", connection);
        Assert.Equal(0L, await custom.ExecuteScalarAsync());
        await using var explaining = await connection.BeginTransactionAsync();
        await using (var generic = new NpgsqlCommand("SELECT set_config('plan_cache_mode', 'force_generic_plan', true)", connection, explaining))
        {
            await generic.ExecuteScalarAsync();
        }

        var plan = new List<string>();
        await using var explain = new NpgsqlCommand($"EXPLAIN EXECUTE {statement}({arguments})", connection, explaining);
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }

        return plan;
    }

    [Fact]
    public async Task Producer_statements_prepared_on_empty_tables_keep_index_plans_without_jit()
    {
        // One pooled connection: every delivery prepares on, and reuses, the same session.
        var connectionString = await TestDatabase.CreateAsync() + ";Maximum Pool Size=1";
        await using var services = PipelineServices.Create(connectionString);
        var processor = services.GetRequiredService<StripeEventProcessor>();
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        await using (var analyze = dataSource.CreateCommand("ANALYZE"))
        {
            // The worst case: statistics that say every table is empty while the plans are made.
            await analyze.ExecuteNonQueryAsync();
        }

        for (var n = 0; n < 12; n++)
        {
            Assert.Equal(ProcessingOutcome.Processed, (await processor.ProcessAsync(SubscriptionUpdated(n), CancellationToken.None)).Outcome);
        }

        var dataSourceOfServe = services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await dataSourceOfServe.OpenConnectionAsync();
        await using (var seed = new NpgsqlCommand("""
            INSERT INTO stripe_subscriptions (subscription_id, customer_id, user_id, status, tier)
            SELECT 'sub_seed_' || g, 'cus_seed_' || g, 'user_seed_' || g, 'active', 'pro' FROM generate_series(1, 5000) g;
            INSERT INTO stripe_entitlement_announcements (user_id, tier, status, stripe_subscription_id, previous_tier)
            SELECT 'user_seed_' || g, 'pro', 'active', 'sub_seed_' || g, 'free' FROM generate_series(1, 5000) g;
            """, connection))
        {
            await seed.ExecuteNonQueryAsync();
        }

        foreach (var (like, arguments) in new[]
        {
            ("%ON CONFLICT (user_id) DO UPDATE SET updated_at%", "'evt_x', NULL, 'cus_seed_5', 'sub_seed_5'"),
            ("%INSERT INTO stripe_outbox%", "'evt_x', NULL, 'cus_seed_5', 'sub_seed_5', 1"),
        })
        {
            var text = string.Join('\n', await GenericPlanAsync(connection, like, arguments));
            Assert.DoesNotContain("Seq Scan on stripe_", text, StringComparison.Ordinal);
            Assert.DoesNotContain("JIT", text, StringComparison.Ordinal);
            Assert.Contains("stripe_entitlement_announcements_subscription_idx", text, StringComparison.Ordinal);
        }
    }
}
