using System.Diagnostics;
using Npgsql;
using static System.FormattableString;

namespace StripeWebhooks.Bench;

/// <summary>
/// <c>bench/run tiers</c>: webhooks/s when about half the subscription events change a user's tier (each change writes
/// an <c>entitlement.changed</c> outbox message, which <c>serve</c> dispatches) against the same load with no tier
/// changes, measured in one run against one <c>serve</c>; then checks the outbox drained and its messages chain.
/// </summary>
/// <remarks>
/// Two phases with the same event count, mix, redeliveries and concurrency, each split into segments run in the order
/// steady, changing, changing, steady (and again, with more segments), so a steady drift of a shared machine's speed
/// falls on both phases alike. Both name users (<c>user_id</c> in the subscription's metadata), each phase its own
/// subscriptions (<see cref="SubscriptionSet"/>). Every user gets a first entitlement (a message) before the clock
/// starts, so the steady phase writes no message at all and the changing phase one per tier change. After each
/// segment the generator waits, off the clock, until the outbox holds nothing undispatched: the backlog left at the end
/// of a segment and the time it took to go are printed, and <c>ratio_with_drain</c> charges that time to its phase.
/// </remarks>
internal static class TiersScenario
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(2);

    public static async Task<int> RunAsync(Arguments arguments, CancellationToken cancellationToken)
    {
        var target = Target.Parse(arguments);
        var events = arguments.Int("events", 20_000);
        var segmentsPerPhase = arguments.Int("segments", 12);
        var warmup = arguments.Int("warmup", 30_000);
        var redelivered = arguments.Double("redelivered", 0.2);
        var concurrency = arguments.Int("concurrency", 16);
        var subscriptions = arguments.Int("subscriptions", DeliveryPlan.DefaultSubscriptions);
        if (segmentsPerPhase < 1 || events < segmentsPerPhase)
        {
            throw new ArgumentException("--segments must be at least 1 and at most --events.");
        }

        var plan = new DeliveryPlan(target.Url, target.Secret, 2 * subscriptions, arguments.Int("seed", 1), withUsers: true);
        var steady = new SubscriptionSet(0, subscriptions, SecondPriceShare: 0);
        var changing = new SubscriptionSet(subscriptions, subscriptions, SecondPriceShare: 0.5);
        await using var dataSource = NpgsqlDataSource.Create(target.ConnectionString);
        var connections = LoadRunner.Connect(target.Endpoint, concurrency);

        // Every user's first entitlement (a message each), then the usual warm-up, half of it changing tiers.
        var primed = LoadRunner.Stream(connections, plan.Priming(steady).Concat(plan.Priming(changing)));

        // Statistics as a database in service has them (autovacuum analyzes a table within a minute of it growing).
        // Without them the plans serve prepared while the tables were empty stay cached for the whole run (sequential
        // scans of stripe_entitlement_announcements per event): a start-up artifact, not the steady state measured here.
        await using (var analyze = dataSource.CreateCommand("ANALYZE"))
        {
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }

        var warm = LoadRunner.Stream(connections, plan.Deliveries(warmup / 2, redelivered, steady).Concat(plan.Deliveries(warmup - (warmup / 2), redelivered, changing)));
        var (_, primingDrainSeconds) = await OutboxCheck.DrainAsync(dataSource, DrainTimeout, cancellationToken);
        Console.WriteLine(Invariant($"priming: users={2 * subscriptions} warmup_events={warmup} drain_s={primingDrainSeconds:F2}"));

        // Steady, changing, changing, steady, ...: segment k is of the changing phase when k % 4 is 1 or 2.
        var building = Stopwatch.StartNew();
        var order = Enumerable.Range(0, 2 * segmentsPerPhase).Select(k => k % 4 is 1 or 2).ToArray();
        var segments = new List<Delivery[]>();
        for (var k = 0; k < order.Length; k++)
        {
            var segment = k / 2;
            var size = (int)(((long)events * (segment + 1) / segmentsPerPhase) - ((long)events * segment / segmentsPerPhase));
            segments.Add([.. plan.Deliveries(size, redelivered, order[k] ? changing : steady)]);
        }

        Console.WriteLine(Invariant(
            $"load: events_per_phase={events} deliveries_per_phase={segments.Where((_, k) => !order[k]).Sum(s => s.Length)}/{segments.Where((_, k) => order[k]).Sum(s => s.Length)} order={string.Concat(order.Select(c => c ? 'C' : 'S'))} subscriptions_per_phase={subscriptions} concurrency={concurrency} subscription_event_bytes={plan.SubscriptionEventBytes} signed_in_s={building.Elapsed.TotalSeconds:F1}"));

        var servePid = arguments.Int("serve-pid", 0);
        var postgresPid = arguments.Int("postgres-pid", 0);
        var phases = new[] { new Phase("steady"), new Phase("changing") };
        for (var k = 0; k < segments.Count; k++)
        {
            var phase = phases[order[k] ? 1 : 0];
            var (serveBefore, postgresBefore) = (ProcessCpu.Seconds(servePid), ProcessCpu.ClusterSeconds(postgresPid));
            var result = LoadRunner.Run(connections, segments[k]);
            var (backlog, drainSeconds) = await OutboxCheck.DrainAsync(dataSource, DrainTimeout, cancellationToken);
            // CPU from the segment's start until its messages are drained: the dispatcher's work is the phase's.
            phase.ServeCpuSeconds += ProcessCpu.Seconds(servePid) - serveBefore;
            phase.PostgresCpuSeconds += ProcessCpu.ClusterSeconds(postgresPid) - postgresBefore;
            phase.Segments.Add(result);
            phase.Backlog += backlog;
            phase.DrainSeconds += drainSeconds;
            Console.WriteLine(Invariant(
                $"segment: n={k + 1} phase={phase.Name} webhooks_per_s={result.DeliveriesPerSecond:F0} seconds={result.Seconds:F2} p99_ms={result.PercentileMs(99):F2} backlog_at_end={backlog} drain_s={drainSeconds:F2}"));
        }

        foreach (var connection in connections)
        {
            connection.Dispose();
        }

        var ok = primed.Count(s => s.Status != 200) == 0 && warm.Count(s => s.Status != 200) == 0;
        foreach (var phase in phases)
        {
            var all = phase.All = LoadResult.Combine(phase.Segments);
            var (subscriptionEvents, messages, lagP50, lagP99, lagMax) = await OutboxCheck.PhaseAsync(dataSource, plan, all.EventNumbers, cancellationToken);
            phase.Messages = messages;
            phase.SubscriptionEvents = subscriptionEvents;
            var errors = all.Count(s => s.Status != 200);
            var duplicates = all.Count(s => s.Duplicate);
            ok &= errors == 0 && duplicates == all.Count(s => s.Redelivery);
            Console.WriteLine(Invariant(
                $"webhooks {phase.Name}: webhooks_per_s={all.DeliveriesPerSecond:F0} seconds={all.Seconds:F2} serve_cpu_ms={phase.ServeCpuSeconds * 1000 / all.Samples.Count:F3} postgres_cpu_ms={phase.PostgresCpuSeconds * 1000 / all.Samples.Count:F3} {all.LatencyLine()} errors={errors} duplicates={duplicates}"));
            Console.WriteLine(Invariant(
                $"outbox {phase.Name}: subscription_events={subscriptionEvents} messages={messages} tier_change_share={(subscriptionEvents > 0 ? (double)messages / subscriptionEvents : 0):F2} backlog_at_end={phase.Backlog} drain_s={phase.DrainSeconds:F2} drain_per_s={DrainRate(phase):F0} dispatch_lag_p50_ms={lagP50:F1} dispatch_lag_p99_ms={lagP99:F1} dispatch_lag_max_ms={lagMax:F1}"));
            if (all.FirstError is not null)
            {
                Console.WriteLine("first_error: " + all.FirstError);
            }
        }

        // The steady phase must write nothing; every message of the run dispatched and consumed, and chained per user.
        var state = await OutboxCheck.StateAsync(dataSource, plan, cancellationToken);
        var outboxOk = phases[0].Messages == 0 && phases[1].Messages > 0 && state.Undispatched == 0 && state.Unconsumed == 0 && state.Failed == 0
            && state.Users == 2 * subscriptions && state.BrokenLinks == 0 && state.LastNotView == 0;
        Console.WriteLine(Invariant(
            $"outbox: messages={state.Messages} undispatched={state.Undispatched} unconsumed={state.Unconsumed} failed={state.Failed} users={state.Users} broken_links={state.BrokenLinks} last_not_view={state.LastNotView} check={(outboxOk ? "ok" : "FAILED")}"));

        var sent = primed.EventNumbers.Concat(warm.EventNumbers).Concat(phases.SelectMany(p => p.All.EventNumbers));
        var (expected, matching, withPrefix) = await ClaimsCheck.RunAsync(dataSource, plan, sent, cancellationToken);
        var claimsOk = matching == expected && withPrefix == expected;
        Console.WriteLine(Invariant($"claims: distinct_events={expected} claimed={matching} rows_of_run={withPrefix} check={(claimsOk && ok ? "ok" : "FAILED")}"));

        var (steadyRate, changingRate) = (phases[0].All.DeliveriesPerSecond, phases[1].All.DeliveriesPerSecond);
        var withDrain = phases[1].All.Samples.Count / (phases[1].All.Seconds + phases[1].DrainSeconds)
            / (phases[0].All.Samples.Count / (phases[0].All.Seconds + phases[0].DrainSeconds));
        ok &= outboxOk && claimsOk;
        Console.WriteLine(Invariant(
            $"tiers: webhooks_per_s_steady={steadyRate:F0} webhooks_per_s_changing={changingRate:F0} ratio={changingRate / steadyRate:F2} ratio_with_drain={withDrain:F2} tier_change_share={(phases[1].SubscriptionEvents > 0 ? (double)phases[1].Messages / phases[1].SubscriptionEvents : 0):F2} messages={phases[1].Messages} backlog_at_end={phases[1].Backlog} drain_s={phases[1].DrainSeconds:F2} drain_per_s={DrainRate(phases[1]):F0} check={(ok ? "ok" : "FAILED")}"));
        return ok ? 0 : 1;
    }

    private static double DrainRate(Phase phase) => phase.DrainSeconds > 0 ? phase.Backlog / phase.DrainSeconds : 0;

    /// <summary>One phase's segments and what they cost.</summary>
    private sealed class Phase(string name)
    {
        public string Name { get; } = name;

        public List<LoadResult> Segments { get; } = [];

        /// <summary>The segments as one, once they all ran.</summary>
        public LoadResult All { get; set; } = LoadResult.Combine([]);

        public double ServeCpuSeconds { get; set; }

        public double PostgresCpuSeconds { get; set; }

        public long Backlog { get; set; }

        public double DrainSeconds { get; set; }

        public long Messages { get; set; }

        public long SubscriptionEvents { get; set; }
    }
}
