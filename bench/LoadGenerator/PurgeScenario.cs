using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeWebhooks.Persistence;
using static System.FormattableString;

namespace StripeWebhooks.Bench;

/// <summary>
/// <c>bench/run purge</c>: the same load with and without the retention purge of a large expired backlog.
/// </summary>
/// <remarks>
/// Phases: clean (no expired claims), idle (the backlog present, no retention purge), purging (the same load
/// while <see cref="RetentionPurger"/> - the code the timer runs - deletes the backlog). The per-request purge
/// runs in every phase (it is part of the product) but only takes claims expired within the last hour, and
/// the backlog is older: deleting it is the retention purge's job alone.
/// </remarks>
internal static class PurgeScenario
{
    // Ordered by processed_at like a table that grew over time; 31 days and older, so all past the 30-day retention.
    private const string PreloadSql = """
        INSERT INTO processed_stripe_events (event_id, processed_at, event_type, event_created, livemode)
        SELECT 'evt_expired_' || lpad(g::text, 12, '0'), ts, 'customer.subscription.updated', ts, false
        FROM generate_series(1, $1) AS g, LATERAL (SELECT now() - interval '31 days' - ($1 - g) * interval '1 second' AS ts) AS t
        """;

    private const string ExpiredCountSql = "SELECT count(*) FROM processed_stripe_events WHERE processed_at < now() - interval '30 days'";

    public static async Task<int> RunAsync(Arguments arguments, CancellationToken cancellationToken)
    {
        var target = Target.Parse(arguments);
        var rows = arguments.Int("rows", 1_000_000);
        var events = arguments.Int("events", 20_000);
        var redelivered = arguments.Double("redelivered", 0.2);
        var concurrency = arguments.Int("concurrency", 16);
        var plan = new DeliveryPlan(target.Url, target.Secret, arguments.Int("subscriptions", DeliveryPlan.DefaultSubscriptions), arguments.Int("seed", 1));
        await using var dataSource = NpgsqlDataSource.Create(target.ConnectionString);
        await using var services = PurgerServices(target);
        var purger = services.GetRequiredService<RetentionPurger>();
        var ok = true;
        var connections = LoadRunner.Connect(target.Endpoint, concurrency);

        var warm = LoadRunner.Stream(connections, plan.Deliveries(arguments.Int("warmup", 30_000), redelivered));

        var clean = LoadRunner.Run(connections, [.. plan.Deliveries(events, redelivered)]);
        ok &= Report("clean", clean);

        Console.WriteLine(Invariant($"preload: rows={rows} seconds={await PreloadAsync(dataSource, rows, cancellationToken):F1}"));
        // As long as the purge will take, roughly: a short window would miss the slow answers a shared machine
        // produces now and then, and flatter the idle p99.
        var idle = LoadRunner.Stream(connections, plan.Deliveries(arguments.Int("idle-events", 100_000), redelivered));
        ok &= Report("idle", idle);
        Console.WriteLine(Invariant($"idle: expired_left={await CountAsync(dataSource, ExpiredCountSql, cancellationToken)}"));

        // The purge starts with the load and the load goes on until the purge is done (at least `events` deliveries).
        var purgeStarted = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        long purgeEndedTicks = 0;
        var purge = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            purgeStarted.SetResult(Stopwatch.GetTimestamp());
            var deleted = await purger.PurgeExpiredAsync(cancellationToken);
            purgeEndedTicks = Stopwatch.GetTimestamp();
            return deleted;
        }, cancellationToken);
        var purging = LoadRunner.RunWhile(connections, plan.Deliveries(null, redelivered), events, purge);
        foreach (var connection in connections)
        {
            connection.Dispose();
        }

        var purgeRows = await purge;
        var from = await purgeStarted.Task;
        var purgeSeconds = Stopwatch.GetElapsedTime(from, purgeEndedTicks).TotalSeconds;
        ok &= Report("purging", purging);
        var during = purging.Samples.Count(s => s.StartTicks >= from && s.StartTicks < purgeEndedTicks);
        Console.WriteLine(Invariant($"purging: during_purge_deliveries={during} {purging.LatencyLine("during_", from, purgeEndedTicks)} expired_left={await CountAsync(dataSource, ExpiredCountSql, cancellationToken)}"));

        // The retention purge must delete expired claims only: every event of this run is still claimed, once.
        var (expected, matching, withPrefix) = await ClaimsCheck.RunAsync(dataSource, plan,
            [.. warm.EventNumbers, .. clean.EventNumbers, .. idle.EventNumbers, .. purging.EventNumbers], cancellationToken);
        ok &= matching == expected && withPrefix == expected;
        Console.WriteLine(Invariant($"claims: distinct_events={expected} claimed={matching} rows_of_run={withPrefix} check={(matching == expected && withPrefix == expected ? "ok" : "FAILED")}"));

        if (arguments.Int("timeline-ms", 0) is > 0 and var sliceMs)
        {
            foreach (var line in purging.Timeline(TimeSpan.FromMilliseconds(sliceMs)))
            {
                Console.WriteLine("timeline: " + line);
            }
        }

        var p99Idle = idle.PercentileMs(99);
        var p99Purging = purging.PercentileMs(99, from, purgeEndedTicks);
        Console.WriteLine(Invariant($"purge_rows={purgeRows} purge_s={purgeSeconds:F1} p99_ms_idle={p99Idle:F2} p99_ms_purging={p99Purging:F2}"));
        return ok ? 0 : 1;
    }

    private static bool Report(string phase, LoadResult result)
    {
        var errors = result.Count(s => s.Status != 200);
        var duplicatesMatch = result.Count(s => s.Duplicate) == result.Count(s => s.Redelivery);
        Console.WriteLine(Invariant($"{phase}: deliveries={result.Samples.Count} webhooks_per_s={result.DeliveriesPerSecond:F0} {result.LatencyLine()} errors={errors} generator_gc_pause_ms={result.GeneratorGcPause.TotalMilliseconds:F0}"));
        if (result.FirstError is not null)
        {
            Console.WriteLine($"{phase}: first_error: {result.FirstError}");
        }

        return errors == 0 && duplicatesMatch;
    }

    private static async Task<double> PreloadAsync(NpgsqlDataSource dataSource, int rows, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await using (var insert = dataSource.CreateCommand(PreloadSql))
        {
            insert.CommandTimeout = 600;
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = rows });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        // What autovacuum would long have done to a table that grew over a month.
        await ExecuteAsync(dataSource, "VACUUM ANALYZE processed_stripe_events", cancellationToken);
        return stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The product's own purger, configured like serve (Webhooks__* from the environment).</summary>
    private static ServiceProvider PurgerServices(Target target)
    {
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Webhooks"] = target.ConnectionString,
                ["Stripe:WebhookSecrets:0"] = target.Secret,
            })
            .Build();
        return new ServiceCollection().AddLogging().AddStripeWebhooks(configuration).BuildServiceProvider();
    }
}
