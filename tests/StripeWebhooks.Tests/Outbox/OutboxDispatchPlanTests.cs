using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeWebhooks.Outbox;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Outbox;

public class OutboxDispatchPlanTests
{
    private const string AddMessagesSql = """
        INSERT INTO stripe_outbox (id, event_id, type, payload, dispatched_at, consumed_at)
        SELECT 'evt_plan_' || g || ':test:k', 'evt_plan_' || g, 'test.plan',
            jsonb_build_object('id', 'evt_plan_' || g || ':test:k', 'type', 'test.plan', 'eventId', 'evt_plan_' || g),
            CASE WHEN $3 THEN now() END, CASE WHEN $3 THEN now() END
        FROM generate_series($1::int, $2::int) g
        """;

    [Fact]
    public async Task The_claim_prepared_on_an_empty_outbox_keeps_one_index_plan()
    {
        // One session, and statistics that say every table is empty while the plans are made.
        await using var services = await PipelineServices.CreateOneSessionOnEmptyStatisticsAsync();
        var dispatcher = services.GetRequiredService<OutboxDispatcher>();
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();

        for (var n = 1; n <= 12; n++)
        {
            await AddMessagesAsync(dataSource, n, n, dispatched: false);
            Assert.Equal(1, await dispatcher.DispatchAsync(TimeSpan.Zero, CancellationToken.None));
        }

        // A busy outbox: 20,000 messages dispatched, 100 waiting.
        await AddMessagesAsync(dataSource, 100, 20_099, dispatched: true);
        await AddMessagesAsync(dataSource, 20_100, 20_199, dispatched: false);

        await using var connection = await dataSource.OpenConnectionAsync();
        var plan = await CachedPlans.OnlyGenericPlanAsync(connection, "UPDATE stripe_outbox SET dispatched_at = now()%", "'0', 100");
        Assert.DoesNotContain("Seq Scan", plan, StringComparison.Ordinal);
        Assert.Contains("stripe_outbox_undispatched_idx", plan, StringComparison.Ordinal);
    }

    private static async Task AddMessagesAsync(NpgsqlDataSource dataSource, int first, int last, bool dispatched)
    {
        await using var add = dataSource.CreateCommand(AddMessagesSql);
        add.Parameters.Add(new NpgsqlParameter<int> { TypedValue = first });
        add.Parameters.Add(new NpgsqlParameter<int> { TypedValue = last });
        add.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = dispatched });
        await add.ExecuteNonQueryAsync();
    }
}
