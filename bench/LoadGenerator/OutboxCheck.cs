using System.Diagnostics;
using Npgsql;
using static System.FormattableString;

namespace StripeWebhooks.Bench;

/// <summary>
/// The outbox side of <c>bench/run tiers</c>: waits for the dispatcher to drain <c>stripe_outbox</c>, measures what a
/// phase wrote, and checks that every message was dispatched and consumed and that each user's messages chain.
/// </summary>
/// <remarks>
/// <c>serve</c> runs without <c>AzureWebJobsStorage</c> here, so its dispatcher consumes in-process from the table: a
/// message is drained once <c>dispatched_at</c> is set (it sets <c>consumed_at</c> in the same statement).
/// </remarks>
internal static class OutboxCheck
{
    // The partial index of undispatched rows: cheap enough to poll every few milliseconds.
    private const string UndispatchedSql = "SELECT count(*) FROM stripe_outbox WHERE dispatched_at IS NULL";

    // $1 the event ids of a phase. Lag: from the writing transaction's start to the dispatching one's.
    private const string PhaseSql = """
        SELECT (SELECT count(*) FROM processed_stripe_events WHERE event_id = ANY($1) AND event_type = 'customer.subscription.updated'),
               count(*),
               percentile_disc(0.5) WITHIN GROUP (ORDER BY lag_ms),
               percentile_disc(0.99) WITHIN GROUP (ORDER BY lag_ms),
               max(lag_ms)
        FROM (SELECT extract(epoch FROM dispatched_at - created_at)::float8 * 1000 AS lag_ms
              FROM stripe_outbox WHERE event_id = ANY($1)) AS messages
        """;

    // $1 the run's event id prefix. A user's first message starts from the default tier with no status, each later
    // one from the current of the one before (sequence one lower), and the last one's current is the view's row.
    private const string StateSql = """
        WITH run AS (
            SELECT * FROM stripe_outbox WHERE starts_with(event_id, $1)),
        chained AS (
            SELECT payload->>'userId' AS user_id, (payload->>'sequence')::bigint AS sequence,
                   payload->'previous' AS previous, payload->'current' AS current,
                   lag(payload->'current') OVER w AS current_before,
                   lag((payload->>'sequence')::bigint) OVER w AS sequence_before,
                   (lead(payload->>'sequence') OVER w) IS NULL AS last
            FROM run WHERE type = 'entitlement.changed'
            WINDOW w AS (PARTITION BY payload->>'userId' ORDER BY (payload->>'sequence')::bigint)),
        defaults AS (SELECT COALESCE((SELECT default_tier FROM billing_settings), 'free') AS default_tier)
        SELECT (SELECT count(*) FROM run),
               (SELECT count(*) FROM run WHERE dispatched_at IS NULL),
               (SELECT count(*) FROM run WHERE consumed_at IS NULL),
               (SELECT count(*) FROM run WHERE poisoned_at IS NOT NULL OR attempts > 0),
               count(DISTINCT c.user_id),
               count(*) FILTER (WHERE CASE WHEN c.sequence_before IS NULL
                   THEN c.sequence <> 1 OR c.previous <> jsonb_build_object('tier', d.default_tier, 'status', NULL)
                   ELSE c.sequence <> c.sequence_before + 1 OR c.previous <> c.current_before END),
               count(*) FILTER (WHERE c.last AND c.current IS DISTINCT FROM
                   (SELECT jsonb_build_object('tier', e.tier, 'status', e.status) FROM entitlements e WHERE e.user_id = c.user_id))
        FROM chained c CROSS JOIN defaults d
        """;

    /// <summary>
    /// Polls until no message is left undispatched; returns the backlog found first and the seconds until it was gone.
    /// </summary>
    /// <exception cref="TimeoutException">Still not drained after <paramref name="timeout"/>.</exception>
    public static async Task<(long Backlog, double Seconds)> DrainAsync(NpgsqlDataSource dataSource, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var command = dataSource.CreateCommand(UndispatchedSql);
        var backlog = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        for (var left = backlog; left > 0; left = (long)(await command.ExecuteScalarAsync(cancellationToken))!)
        {
            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException(Invariant($"The outbox still holds {left} undispatched messages after {timeout.TotalSeconds:F0} s."));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
        }

        return (backlog, backlog == 0 ? 0 : Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>
    /// What the events of a phase wrote: how many of them were first deliveries of subscription updates, how many
    /// messages they wrote, and the dispatch lag of those messages (p50, p99, max, in milliseconds).
    /// </summary>
    public static async Task<(long SubscriptionEvents, long Messages, double LagP50Ms, double LagP99Ms, double LagMaxMs)> PhaseAsync(
        NpgsqlDataSource dataSource, DeliveryPlan plan, IEnumerable<long> eventNumbers, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(PhaseSql);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. eventNumbers.Distinct().Select(plan.EventId)] });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        double Ms(int ordinal) => reader.IsDBNull(ordinal) ? 0 : reader.GetDouble(ordinal);
        return (reader.GetInt64(0), reader.GetInt64(1), Ms(2), Ms(3), Ms(4));
    }

    /// <summary>The run's messages: counts by state, users, and the messages that break a user's chain or the view.</summary>
    public static async Task<(long Messages, long Undispatched, long Unconsumed, long Failed, long Users, long BrokenLinks, long LastNotView)> StateAsync(
        NpgsqlDataSource dataSource, DeliveryPlan plan, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(StateSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = plan.EventIdPrefix });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6));
    }
}
