using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeWebhooks.Processing;
using StripeWebhooks.Tests.Support;
using static StripeWebhooks.Tests.Support.DatabaseValues;

namespace StripeWebhooks.Tests.Processing;

/// <summary>
/// A type no handler reads is claimed by the batch alone, without BEGIN/COMMIT: still one transaction,
/// still waiting on a concurrent delivery of the same id.
/// </summary>
public class UnhandledTypeTests
{
    /// <summary>Another session claims <paramref name="eventId"/> and keeps its transaction open.</summary>
    private static async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> HoldClaimAsync(NpgsqlDataSource dataSource, string eventId)
    {
        var connection = await dataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var claim = new NpgsqlCommand("INSERT INTO processed_stripe_events (event_id, event_type) VALUES ($1, 'test.unhandled')", connection, transaction);
        claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = eventId });
        await claim.ExecuteNonQueryAsync();
        return (connection, transaction);
    }

    [Fact]
    public async Task An_unhandled_delivery_waiting_past_the_lock_timeout_answers_in_flight_and_changes_nothing()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using var services = PipelineServices.Create(connectionString, new Dictionary<string, string?> { ["Webhooks__LockTimeoutSeconds"] = "1" });
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        await using (var expired = dataSource.CreateCommand("""
            INSERT INTO processed_stripe_events (event_id, event_type, processed_at)
            SELECT 'evt_expired_' || g, 'test.seeded', now() - interval '30 days 10 minutes' FROM generate_series(1, 5) g
            """))
        {
            await expired.ExecuteNonQueryAsync();
        }

        var (connection, transaction) = await HoldClaimAsync(dataSource, "evt_unhandled_held");
        await using (connection)
        await using (transaction)
        {
            var result = await services.GetRequiredService<StripeEventProcessor>().ProcessAsync(ParsedEvents.Parse(id: "evt_unhandled_held"), CancellationToken.None);

            Assert.Equal(ProcessingOutcome.InFlight, result.Outcome);
            // The purge ran in the same implicit transaction as the claim that timed out: rolled back with it.
            Assert.Equal(5L, await CountAsync(dataSource, "SELECT count(*) FROM processed_stripe_events WHERE event_id LIKE 'evt_expired_%'"));
        }
    }

    [Fact]
    public async Task An_unhandled_delivery_claims_the_event_itself_when_the_first_delivery_rolls_back()
    {
        var connectionString = await TestDatabase.CreateAsync();
        await using var services = PipelineServices.Create(connectionString);
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var processor = services.GetRequiredService<StripeEventProcessor>();

        var (connection, transaction) = await HoldClaimAsync(dataSource, "evt_unhandled_retry");
        var waiting = processor.ProcessAsync(ParsedEvents.Parse(id: "evt_unhandled_retry"), CancellationToken.None);
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);
        await transaction.RollbackAsync();
        await transaction.DisposeAsync();
        await connection.DisposeAsync();

        Assert.Equal(ProcessingOutcome.Processed, (await waiting).Outcome);
        Assert.Equal(ProcessingOutcome.Duplicate, (await processor.ProcessAsync(ParsedEvents.Parse(id: "evt_unhandled_retry"), CancellationToken.None)).Outcome);
        Assert.Equal(1L, await CountAsync(dataSource, "SELECT count(*) FROM processed_stripe_events WHERE event_id = 'evt_unhandled_retry'"));
    }
}
