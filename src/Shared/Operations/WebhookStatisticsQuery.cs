using Microsoft.Extensions.Options;
using Dapper;
using Npgsql;

namespace StripeWebhooks.Operations;

/// <summary>Reads <see cref="WebhookStatistics"/> in one round trip.</summary>
internal sealed class WebhookStatisticsQuery(NpgsqlDataSource dataSource, IOptions<WebhookOptions> options)
{
    public async Task<WebhookStatistics> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // The configured retention rides along as a parameter, so the row maps onto the record as it is.
        return await connection.QuerySingleAsync<WebhookStatistics>(new CommandDefinition("""
            SELECT claims.total AS "ClaimsTotal", claims.last_day AS "ClaimsLast24Hours", claims.oldest_age AS "OldestClaimAge",
                   @retentionDays AS "RetentionDays",
                   (SELECT count(*) FROM stripe_event_failures WHERE resolved_at IS NULL) AS "UnresolvedFailures",
                   claims.parked AS "ParkedEvents", last_run.finished_at AS "LastPurgeAt", last_run.deleted AS "LastPurgeDeleted",
                   outbox.undispatched AS "OutboxUndispatched", outbox.oldest_age AS "OldestUndispatchedAge",
                   (SELECT count(*) FROM stripe_outbox WHERE poisoned_at IS NOT NULL) AS "OutboxPoisoned",
                   unconsumed.total AS "OutboxUnconsumed", unconsumed.oldest_age AS "OldestUnconsumedAge"
            FROM (SELECT count(*) AS total,
                         count(*) FILTER (WHERE processed_at > now() - interval '24 hours') AS last_day,
                         now() - min(processed_at) AS oldest_age,
                         count(*) FILTER (WHERE outcome = 'failed_permanent') AS parked
                  FROM processed_stripe_events) AS claims  -- one pass over the claims table
            LEFT JOIN LATERAL (SELECT finished_at, deleted FROM purge_runs ORDER BY id DESC LIMIT 1) AS last_run ON TRUE
            CROSS JOIN (SELECT count(*) AS undispatched, now() - min(created_at) AS oldest_age
                        FROM stripe_outbox WHERE dispatched_at IS NULL) AS outbox  -- the partial index of undispatched rows
            CROSS JOIN (SELECT count(*) AS total, now() - min(dispatched_at) AS oldest_age
                        FROM stripe_outbox
                        WHERE dispatched_at IS NOT NULL AND consumed_at IS NULL AND poisoned_at IS NULL) AS unconsumed  -- and of unconsumed ones
            """, new { retentionDays = options.Value.RetentionDays }, cancellationToken: cancellationToken));
    }
}
