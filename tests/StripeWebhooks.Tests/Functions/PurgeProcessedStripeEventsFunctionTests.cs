using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeWebhooks.Tests.Support;
using StripeWebhooks.WebhookFunction;

namespace StripeWebhooks.Tests.Functions;

/// <summary><see cref="PurgeProcessedStripeEventsFunction"/> given a <see cref="TimerInfo"/>, against a real Postgres.</summary>
public class PurgeProcessedStripeEventsFunctionTests
{
    [Fact]
    public async Task Timer_run_deletes_claims_past_retention_and_keeps_the_rest()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using (var seed = NpgsqlDataSource.Create(connectionString))
        await using (var insert = seed.CreateCommand("""
            INSERT INTO processed_stripe_events (event_id, event_type, processed_at)
            SELECT 'evt_old_' || g, 'test.seeded', now() - interval '31 days' FROM generate_series(1, 120) g
            UNION ALL
            SELECT 'evt_kept_' || g, 'test.seeded', now() - interval '29 days' FROM generate_series(1, 7) g
            """))
        {
            await insert.ExecuteNonQueryAsync();
        }

        using var app = FunctionApp.Build(FunctionSettings.For(connectionString));
        await using var scope = app.Services.CreateAsyncScope();
        var timer = new TimerInfo { IsPastDue = false, ScheduleStatus = new ScheduleStatus { Next = DateTime.UtcNow.AddDays(1) } };

        await app.Activate<PurgeProcessedStripeEventsFunction>(scope.ServiceProvider).RunAsync(timer, CancellationToken.None);

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var count = dataSource.CreateCommand("SELECT count(*) FILTER (WHERE event_id LIKE 'evt_old_%'), count(*) FILTER (WHERE event_id LIKE 'evt_kept_%') FROM processed_stripe_events");
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal((0L, 7L), (reader.GetInt64(0), reader.GetInt64(1)));
    }
}
