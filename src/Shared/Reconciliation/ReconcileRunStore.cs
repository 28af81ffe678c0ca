using Npgsql;
using static StripeWebhooks.Persistence.SqlCommands;

namespace StripeWebhooks.Reconciliation;

/// <summary>The runs in <c>stripe_reconcile_runs</c>: where the next one starts, each run's record, and which listed events are claimed.</summary>
internal sealed class ReconcileRunStore(NpgsqlDataSource dataSource)
{
    /// <summary>Where a run would start, read on the database's clock (the one that stamps claims).</summary>
    internal sealed record Cursor(DateTimeOffset Now, DateTimeOffset? LastEnd, DateTimeOffset? RetryFrom, DateTimeOffset? OldestClaim);

    internal async Task<Cursor> ReadCursorAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT now(), last.window_to, last.retry_from, (SELECT min(processed_at) FROM processed_stripe_events)
            FROM (SELECT 1) AS one
            LEFT JOIN LATERAL (SELECT window_to, retry_from FROM stripe_reconcile_runs WHERE succeeded ORDER BY id DESC LIMIT 1) AS last ON TRUE
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new Cursor(reader.GetFieldValue<DateTimeOffset>(0), Optional(reader, 1), Optional(reader, 2), Optional(reader, 3));
    }

    internal async Task<long> StartAsync(ReconcileWindow window, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO stripe_reconcile_runs (window_from, window_to, clamped_by) VALUES ($1, $2, $3) RETURNING id");
        command.Parameters.Add(Time(window.From));
        command.Parameters.Add(Time(window.To));
        command.Parameters.Add(Text(window.ClampedBy));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Records the run's end; a failed run (<paramref name="error"/> set) leaves the cursor where it was.</summary>
    internal async Task FinishAsync(long runId, ReconcileCounts counts, DateTimeOffset? retryFrom, string? error, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE stripe_reconcile_runs
            SET finished_at = now(), listed = $2, applied = $3, already_claimed = $4, failed = $5, retry_from = $6,
                succeeded = $7 IS NULL, error = $7
            WHERE id = $1
            """);
        command.Parameters.Add(Long(runId));
        command.Parameters.Add(Int(counts.Listed));
        command.Parameters.Add(Int(counts.Applied));
        command.Parameters.Add(Int(counts.AlreadyClaimed));
        command.Parameters.Add(Int(counts.Failed));
        command.Parameters.Add(Time(retryFrom));
        command.Parameters.Add(Text(error));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Which of <paramref name="eventIds"/> have a claim: one primary-key probe each, in one statement.</summary>
    internal async Task<HashSet<string>> ClaimedAmongAsync(string[] eventIds, CancellationToken cancellationToken)
    {
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        await using var command = dataSource.CreateCommand("SELECT event_id FROM processed_stripe_events WHERE event_id = ANY($1)");
        command.Parameters.Add(TextArray(eventIds));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(reader.GetString(0));
        }

        return claimed;
    }

    /// <summary>The last run, and the lag of the last successful one; null when none ran.</summary>
    public async Task<ReconcileRunRecord?> ReadLastAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT r.started_at, r.finished_at, r.succeeded, r.window_from, r.window_to, r.clamped_by,
                   r.listed, r.applied, r.already_claimed, r.failed, r.error,
                   now() - (SELECT window_to FROM stripe_reconcile_runs WHERE succeeded ORDER BY id DESC LIMIT 1)
            FROM stripe_reconcile_runs AS r ORDER BY r.id DESC LIMIT 1
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new ReconcileRunRecord(
            reader.GetFieldValue<DateTimeOffset>(0),
            Optional(reader, 1),
            reader.GetBoolean(2),
            new ReconcileWindow(reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetString(5)),
            new ReconcileCounts(reader.GetInt32(6), reader.GetInt32(7), reader.GetInt32(8), reader.GetInt32(9)),
            reader.IsDBNull(10) ? null : reader.GetString(10),
            reader.IsDBNull(11) ? null : reader.GetFieldValue<TimeSpan>(11));
    }

    private static DateTimeOffset? Optional(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
