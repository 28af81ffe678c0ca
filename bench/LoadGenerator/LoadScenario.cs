using System.Diagnostics;
using Npgsql;
using static System.FormattableString;

namespace StripeWebhooks.Bench;

/// <summary>
/// The main scenario: warm up, pre-build and sign every delivery, send them at the given concurrency,
/// print throughput and latency, then check the claims table holds exactly the distinct events.
/// </summary>
internal static class LoadScenario
{
    public static async Task<int> RunAsync(Arguments arguments, CancellationToken cancellationToken)
    {
        var target = Target.Parse(arguments);
        var events = arguments.Int("events", 20_000);
        var warmup = arguments.Int("warmup", 30_000);
        var redelivered = arguments.Double("redelivered", 0.2);
        var concurrency = arguments.Int("concurrency", 16);
        var plan = new DeliveryPlan(target.Url, target.Secret, arguments.Int("subscriptions", DeliveryPlan.DefaultSubscriptions), arguments.Int("seed", 1));
        var connections = LoadRunner.Connect(target.Endpoint, concurrency);

        // Warm-up: under saturating load, tiered JIT (tier 0 -> instrumented -> tier 1) takes tens of thousands of
        // requests to settle (bench/README.md, "Figures from code comments"); then pools and prepared statements. Its events are
        // claimed and checked like any other.
        var warm = LoadRunner.Stream(connections, plan.Deliveries(warmup, redelivered));

        var building = Stopwatch.StartNew();
        Delivery[] deliveries = [.. plan.Deliveries(events, redelivered)];
        Console.WriteLine(Invariant(
            $"load: events={events} deliveries={deliveries.Length} redeliveries={deliveries.Count(d => d.Redelivery)} concurrency={concurrency} warmup_events={warmup} subscription_event_bytes={plan.SubscriptionEventBytes} signed_in_s={building.Elapsed.TotalSeconds:F1}"));

        var servePid = arguments.Int("serve-pid", 0);
        var postgresPid = arguments.Int("postgres-pid", 0);
        var (serveBefore, postgresBefore, generatorBefore) =
            (ProcessCpu.Seconds(servePid), ProcessCpu.ClusterSeconds(postgresPid), ProcessCpu.Seconds(Environment.ProcessId));
        var result = LoadRunner.Run(connections, deliveries);
        var serveMs = (ProcessCpu.Seconds(servePid) - serveBefore) * 1000 / deliveries.Length;
        var postgresMs = (ProcessCpu.ClusterSeconds(postgresPid) - postgresBefore) * 1000 / deliveries.Length;
        var generatorMs = (ProcessCpu.Seconds(Environment.ProcessId) - generatorBefore) * 1000 / deliveries.Length;
        var errors = result.Count(s => s.Status != 200);
        var duplicates = result.Count(s => s.Duplicate);
        var redeliveries = result.Count(s => s.Redelivery);
        Console.WriteLine(Invariant(
            $"webhooks: webhooks_per_s={result.DeliveriesPerSecond:F0} seconds={result.Seconds:F2} serve_cpu_ms={serveMs:F3} postgres_cpu_ms={postgresMs:F3} generator_cpu_ms={generatorMs:F3} processed={result.Samples.Count - duplicates - errors} duplicates={duplicates} errors={errors}"));
        Console.WriteLine("latency: " + result.LatencyLine() + Invariant($" generator_gc_pause_ms={result.GeneratorGcPause.TotalMilliseconds:F0}"));
        if (arguments.Int("timeline-ms", 0) is > 0 and var sliceMs)
        {
            foreach (var line in result.Timeline(TimeSpan.FromMilliseconds(sliceMs)))
            {
                Console.WriteLine("timeline: " + line);
            }
        }

        if (result.FirstError is not null)
        {
            Console.WriteLine("first_error: " + result.FirstError);
        }

        foreach (var connection in connections)
        {
            connection.Dispose();
        }

        await using var dataSource = NpgsqlDataSource.Create(target.ConnectionString);
        var (expected, matching, withPrefix) = await ClaimsCheck.RunAsync(dataSource, plan, [.. warm.EventNumbers, .. result.EventNumbers], cancellationToken);
        var ok = matching == expected && withPrefix == expected && errors == 0 && warm.Count(s => s.Status != 200) == 0 && duplicates == redeliveries;
        Console.WriteLine(Invariant($"claims: distinct_events={expected} claimed={matching} rows_of_run={withPrefix} duplicates_answered={duplicates}/{redeliveries} check={(ok ? "ok" : "FAILED")}"));
        return ok ? 0 : 1;
    }
}
