using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StripeWebhooks.Observability;

namespace StripeWebhooks.Persistence;

/// <summary>Deletes claims older than the retention period, in batches, until none remain.</summary>
/// <remarks>
/// Each batch is its own short transaction with <c>SKIP LOCKED</c>, so the purge never blocks a webhook
/// and a webhook never blocks the purge; after each batch it pauses as long as the batch took (at most
/// 10 ms). Resolved failures, dispatched outbox messages and receipts past retention go too.
/// </remarks>
internal sealed partial class RetentionPurger(NpgsqlDataSource dataSource, IOptions<WebhookOptions> options, WebhookMetrics metrics, ILogger<RetentionPurger> logger)
{
    // Oldest first, each batch starting where the previous one stopped ($2): a batch never walks again over
    // the index entries of rows deleted before it (they stay until VACUUM, and re-reading them from the start
    // made each batch slower than the last). Requests purge the newest expired claims, so the two rarely meet.
    // The rows are locked by the subquery, so their ctid is stable: the DELETE goes straight to them instead
    // of probing the primary key once per row (faster per batch: bench/README.md, "Figures from code comments").
    private const string PurgeBatchSql = """
        WITH purged AS (
            DELETE FROM processed_stripe_events
            WHERE ctid = ANY (ARRAY(
                SELECT ctid FROM processed_stripe_events
                WHERE processed_at < $1 AND processed_at >= $2
                ORDER BY processed_at
                LIMIT $3
                FOR UPDATE SKIP LOCKED))
            RETURNING processed_at)
        SELECT count(*), max(processed_at) FROM purged
        """;

    private static readonly TimeSpan MaxPause = TimeSpan.FromMilliseconds(10);

    private const string PurgeResolvedFailuresSql = """
        DELETE FROM stripe_event_failures WHERE resolved_at IS NOT NULL AND resolved_at < $1
        """;

    // Dispatched outbox messages go with the claims (a poisoned one stays until an operator re-ran it), and receipts
    // with them: the queue deletes a message once consumed, so no delivery comes after retention.
    private const string PurgeOutboxSql = """
        WITH messages AS (
            DELETE FROM stripe_outbox WHERE created_at < $1 AND dispatched_at IS NOT NULL AND poisoned_at IS NULL)
        DELETE FROM stripe_outbox_receipts WHERE received_at < $1
        """;

    /// <summary>Purges everything older than <c>Webhooks__RetentionDays</c>; returns the number of claims deleted.</summary>
    public Task<long> PurgeExpiredAsync(CancellationToken cancellationToken) => PurgeExpiredAsync(null, cancellationToken);

    /// <summary>As <see cref="PurgeExpiredAsync(CancellationToken)"/>, reporting the running count after each batch.</summary>
    public Task<long> PurgeExpiredAsync(IProgress<long>? progress, CancellationToken cancellationToken) =>
        PurgeOlderThanAsync(TimeSpan.FromDays(options.Value.RetentionDays), progress, cancellationToken);

    /// <summary>Purges claims older than <paramref name="age"/>; refuses ages inside Stripe's retry window.</summary>
    public Task<long> PurgeOlderThanAsync(TimeSpan age, CancellationToken cancellationToken) => PurgeOlderThanAsync(age, null, cancellationToken);

    /// <summary>
    /// Purges claims older than <paramref name="age"/>, reporting the number deleted so far to <paramref name="progress"/>
    /// after each batch; refuses ages inside Stripe's retry window.
    /// </summary>
    public async Task<long> PurgeOlderThanAsync(TimeSpan age, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        if (age < TimeSpan.FromDays(WebhookOptions.MinimumRetentionDays))
        {
            throw new ArgumentOutOfRangeException(nameof(age), age,
                $"Refusing to purge claims younger than {WebhookOptions.MinimumRetentionDays} days: Stripe retries for 3 days.");
        }

        var batchSize = options.Value.PurgeBatchSize;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var startedAt = DateTime.UtcNow;
        var cutoff = await ReadCutoffAsync(connection, age, cancellationToken);
        long total = 0;
        var from = DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc);
        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            await using var command = new NpgsqlCommand(PurgeBatchSql, connection);
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = cutoff });
            command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = from });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = batchSize });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var deleted = reader.GetInt64(0);
            if (deleted == 0)
            {
                break;
            }

            total += deleted;
            progress?.Report(total);
            from = reader.GetFieldValue<DateTime>(1);
            // Leave Postgres to the webhooks for as long as the batch held it, so on a quiet server the purge takes
            // at most half a core and live deliveries keep their latency while a large backlog goes. At most 10 ms:
            // on a saturated server the batch mostly waited for a CPU, and longer pauses would only stretch the purge.
            await Task.Delay(TimeSpan.FromTicks(Math.Min(Stopwatch.GetElapsedTime(started).Ticks, MaxPause.Ticks)), cancellationToken);
        }

        await using (var failures = new NpgsqlCommand(PurgeResolvedFailuresSql, connection))
        {
            failures.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = cutoff });
            await failures.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var outbox = new NpgsqlCommand(PurgeOutboxSql, connection))
        {
            outbox.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = cutoff });
            await outbox.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var run = new NpgsqlCommand("INSERT INTO purge_runs (started_at, cutoff, deleted) VALUES ($1, $2, $3)", connection))
        {
            run.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = startedAt });
            run.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = cutoff });
            run.Parameters.Add(new NpgsqlParameter<long> { TypedValue = total });
            await run.ExecuteNonQueryAsync(cancellationToken);
        }

        metrics.Purged(total, "retention");
        LogPurged(logger, total, cutoff);
        return total;
    }

    // The database clock decides what is expired, the same clock that stamped processed_at.
    private static async Task<DateTime> ReadCutoffAsync(NpgsqlConnection connection, TimeSpan age, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT now() - $1", connection);
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = age });
        return (DateTime)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention purge deleted {Count} claims processed before {Cutoff:o}")]
    private static partial void LogPurged(ILogger logger, long count, DateTime cutoff);
}
