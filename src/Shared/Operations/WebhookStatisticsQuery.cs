using Microsoft.Extensions.Options;
using Npgsql;

namespace StripeWebhooks.Operations;

/// <summary>Reads <see cref="WebhookStatistics"/> in one round trip.</summary>
public sealed class WebhookStatisticsQuery(NpgsqlDataSource dataSource, IOptions<WebhookOptions> options)
{
    public async Task<WebhookStatistics> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT claims.total, claims.last_day, claims.oldest_age,
                   (SELECT count(*) FROM stripe_event_failures WHERE resolved_at IS NULL),
                   claims.parked, last_run.finished_at, last_run.deleted,
                   outbox.undispatched, outbox.oldest_age,
                   (SELECT count(*) FROM stripe_outbox WHERE poisoned_at IS NOT NULL),
                   unconsumed.total, unconsumed.oldest_age
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
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new WebhookStatistics(
            reader.GetInt64(0),
            reader.GetInt64(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<TimeSpan>(2),
            options.Value.RetentionDays,
            reader.GetInt64(3),
            reader.GetInt64(4),
            reader.IsDBNull(5) ? null : reader.GetDateTime(5),
            reader.IsDBNull(6) ? null : reader.GetInt64(6),
            reader.GetInt64(7),
            reader.IsDBNull(8) ? null : reader.GetFieldValue<TimeSpan>(8),
            reader.GetInt64(9),
            reader.GetInt64(10),
            reader.IsDBNull(11) ? null : reader.GetFieldValue<TimeSpan>(11));
    }
}
