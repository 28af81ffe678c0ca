using Npgsql;

namespace StripeWebhooks.Operations;

/// <summary>Reads the failure ledger for <c>webhooks failures</c>.</summary>
public sealed class FailureLedgerQueries(NpgsqlDataSource dataSource)
{
    /// <summary>Unresolved failures (or all with <paramref name="includeResolved"/>), most recent first.</summary>
    public async Task<IReadOnlyList<FailureRecord>> ListAsync(bool includeResolved, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT f.event_id, f.event_type, f.attempts, f.last_error, f.first_failed_at, f.last_failed_at, f.resolved_at,
                   coalesce(c.outcome = 'failed_permanent', false) AS parked, f.payload IS NOT NULL AS has_payload
            FROM stripe_event_failures f
            LEFT JOIN processed_stripe_events c ON c.event_id = f.event_id
            WHERE $1 OR f.resolved_at IS NULL
            ORDER BY f.last_failed_at DESC
            LIMIT $2
            """);
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = includeResolved });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var failures = new List<FailureRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            failures.Add(new FailureRecord(
                reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3),
                reader.GetDateTime(4), reader.GetDateTime(5), reader.IsDBNull(6) ? null : reader.GetDateTime(6),
                reader.GetBoolean(7), reader.GetBoolean(8)));
        }

        return failures;
    }
}
