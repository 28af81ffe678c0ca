using Microsoft.Extensions.Options;
using Npgsql;
using StripeWebhooks.Configuration;

namespace StripeWebhooks.Operations;

/// <summary>Reads <see cref="WebhookStatistics"/> in one round trip.</summary>
public sealed class WebhookStatisticsQuery(NpgsqlDataSource dataSource, IOptions<WebhookOptions> options)
{
    public async Task<WebhookStatistics> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT
                (SELECT count(*) FROM processed_stripe_events),
                (SELECT count(*) FROM processed_stripe_events WHERE processed_at > now() - interval '24 hours'),
                (SELECT now() - min(processed_at) FROM processed_stripe_events),
                (SELECT count(*) FROM stripe_event_failures WHERE resolved_at IS NULL),
                (SELECT count(*) FROM processed_stripe_events WHERE outcome = 'failed_permanent'),
                (SELECT finished_at FROM purge_runs ORDER BY id DESC LIMIT 1),
                (SELECT deleted FROM purge_runs ORDER BY id DESC LIMIT 1)
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
            reader.IsDBNull(6) ? null : reader.GetInt64(6));
    }
}
