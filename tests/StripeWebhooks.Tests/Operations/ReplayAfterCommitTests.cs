using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeWebhooks.Development;
using StripeWebhooks.Events;
using StripeWebhooks.Operations;
using StripeWebhooks.Persistence;
using StripeWebhooks.Processing;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Operations;

/// <summary>A replay runs a writer's after-commit work (logging, waking the outbox dispatcher) only once it has committed.</summary>
public class ReplayAfterCommitTests
{
    private const string EventType = "charge.refunded";

    [Fact]
    public async Task A_dry_run_replay_runs_no_after_commit_work_and_a_replay_runs_it_once_committed()
    {
        var writer = new RefusingWriter(refusals: 3);
        await using var server = await WebhookTestServer.StartWithHandlersAsync(new Dictionary<string, string?> { ["Webhooks__MaxAttempts"] = "3" }, writer);
        var body = SampleEvents.ToBytes(SampleEvents.Build(EventType, "evt_replay_after_commit"));
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            using var response = await server.PostSignedAsync(body);
            Assert.Equal(attempt < 3 ? HttpStatusCode.InternalServerError : HttpStatusCode.OK, response.StatusCode);
        }

        var replayer = server.Services.GetRequiredService<EventReplayer>();

        Assert.Equal(ReplayOutcome.DryRun, (await replayer.ReplayAsync("evt_replay_after_commit", dryRun: true, CancellationToken.None)).Outcome);
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM test_side_effects"));
        Assert.Equal(0, writer.Completions);

        Assert.Equal(ReplayOutcome.Replayed, (await replayer.ReplayAsync("evt_replay_after_commit", dryRun: false, CancellationToken.None)).Outcome);
        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM test_side_effects"));
        Assert.Equal(1, writer.Completions);
    }

    /// <summary>A writer that refuses the event its first times (so it is parked), then adds one guarded insert.</summary>
    private sealed class RefusingWriter(int refusals) : IStripeEventHandler, IStripeEventWriter
    {
        private int _attempts;
        private int _completions;

        public IReadOnlyCollection<string> EventTypes { get; } = [EventType];

        public int Completions => Volatile.Read(ref _completions);

        public Task HandleAsync(StripeEvent stripeEvent, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
            StripeEventWriters.RunAsync(this, stripeEvent, connection, transaction, cancellationToken);

        public Action? AddCommands(StripeEvent stripeEvent, NpgsqlBatch batch)
        {
            if (Interlocked.Increment(ref _attempts) <= refusals)
            {
                throw new InvalidOperationException("refused");
            }

            var command = new NpgsqlBatchCommand(
                $"INSERT INTO test_side_effects (event_id, handler) SELECT $1, 'RefusingWriter' WHERE {EventClaimStore.ClaimedByThisTransaction("$1")}");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stripeEvent.Id });
            batch.BatchCommands.Add(command);
            return () => Interlocked.Increment(ref _completions);
        }
    }
}
