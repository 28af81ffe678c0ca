using Npgsql;

namespace StripeWebhooks.Bench;

/// <summary>After a phase: the claims table must hold exactly one row per distinct event sent, and no other of this run.</summary>
internal static class ClaimsCheck
{
    public static async Task<(long Expected, long Matching, long WithPrefix)> RunAsync(NpgsqlDataSource dataSource, DeliveryPlan plan, IEnumerable<long> eventNumbers, CancellationToken cancellationToken)
    {
        var eventIds = eventNumbers.Distinct().Select(plan.EventId).ToArray();
        await using var command = dataSource.CreateCommand("""
            SELECT count(*) FILTER (WHERE event_id = ANY($1)), count(*)
            FROM processed_stripe_events
            WHERE starts_with(event_id, $2)
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = eventIds });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = plan.EventIdPrefix });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (eventIds.Length, reader.GetInt64(0), reader.GetInt64(1));
    }
}
