using Dapper;
using Npgsql;

namespace StripeWebhooks.Operations;

/// <summary>Reads the failure ledger for <c>webhooks failures</c>.</summary>
internal sealed class FailureLedgerQueries(NpgsqlDataSource dataSource)
{
    /// <summary>Unresolved failures (or all with <paramref name="includeResolved"/>), most recent first.</summary>
    public async Task<IReadOnlyList<FailureRecord>> ListAsync(bool includeResolved, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var failures = await connection.QueryAsync<FailureRecord>(new CommandDefinition("""
            SELECT f.event_id AS "EventId", f.event_type AS "EventType", f.attempts AS "Attempts", f.last_error AS "LastError",
                   f.first_failed_at AS "FirstFailedAt", f.last_failed_at AS "LastFailedAt", f.resolved_at AS "ResolvedAt",
                   coalesce(c.outcome = 'failed_permanent', false) AS "Parked", f.payload IS NOT NULL AS "HasPayload"
            FROM stripe_event_failures f
            LEFT JOIN processed_stripe_events c ON c.event_id = f.event_id
            WHERE @includeResolved OR f.resolved_at IS NULL
            ORDER BY f.last_failed_at DESC
            LIMIT @limit
            """, new { includeResolved, limit }, cancellationToken: cancellationToken));
        return failures.AsList();
    }
}
