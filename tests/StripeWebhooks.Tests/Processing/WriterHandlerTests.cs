using System.Net;
using Npgsql;
using NpgsqlTypes;
using StripeWebhooks.Development;
using StripeWebhooks.Events;
using StripeWebhooks.Persistence;
using StripeWebhooks.Processing;
using StripeWebhooks.Tests.Support;

namespace StripeWebhooks.Tests.Processing;

/// <summary>
/// Handlers whose writes the processor sends together with the COMMIT (<see cref="IStripeEventWriter"/>, the way the
/// entitlement handlers work): a statement that fails there is a handler failure, and handler order is kept.
/// </summary>
public class WriterHandlerTests
{
    private const string EventType = "invoice.paid";

    // Alone, a writer runs in the transaction its claim batch opens (BEGIN statement); next to a handler that is
    // not a writer, in an NpgsqlTransaction. Both must fail, record and retry the same way.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_statement_failing_in_the_commit_round_trip_rolls_everything_back_and_records_the_failure(bool withOtherHandler)
    {
        var writer = new TestWriter(failFirstAttempts: 1);
        IStripeEventHandler[] handlers = withOtherHandler ? [new RecordingHandler(EventType), writer] : [writer];
        await using var server = await WebhookTestServer.StartWithHandlersAsync(settings: null, handlers);
        var body = SampleEvents.ToBytes(SampleEvents.Build(EventType, "evt_writer_fails"));

        using var failed = await server.PostSignedAsync(body);

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM processed_stripe_events"));
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM test_side_effects"));
        Assert.Contains("23502", await server.ScalarAsync<string>(
            "SELECT last_error FROM stripe_event_failures WHERE event_id = 'evt_writer_fails' AND resolved_at IS NULL"), StringComparison.Ordinal);
        Assert.Equal(0, writer.Completions);

        using var retried = await server.PostSignedAsync(body);

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM processed_stripe_events WHERE outcome = 'processed'"));
        Assert.Equal(withOtherHandler ? 2L : 1L, await server.ScalarAsync<long>("SELECT count(*) FROM test_side_effects WHERE event_id = 'evt_writer_fails'"));
        Assert.True(await server.ScalarAsync<bool>("SELECT resolved_at IS NOT NULL FROM stripe_event_failures WHERE event_id = 'evt_writer_fails'"));
        Assert.Equal(1, writer.Completions);
    }

    [Fact]
    public async Task Redeliveries_of_a_writer_only_event_are_duplicates_that_write_nothing()
    {
        var writer = new TestWriter(failFirstAttempts: 0);
        await using var server = await WebhookTestServer.StartWithHandlersAsync(settings: null, writer);
        var body = SampleEvents.ToBytes(SampleEvents.Build(EventType, "evt_writer_twice"));

        var (statuses, duplicates) = await server.PostConcurrentlyAsync(body, 8);

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(7, duplicates);
        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM test_side_effects WHERE event_id = 'evt_writer_twice'"));
        Assert.Equal(1, writer.Completions);
    }

    [Fact]
    public async Task A_handler_registered_after_a_writer_sees_the_writers_rows()
    {
        var writer = new TestWriter(failFirstAttempts: 0);
        var reader = new CountingReader();
        await using var server = await WebhookTestServer.StartWithHandlersAsync(settings: null, writer, reader);

        using var response = await server.PostSignedAsync(SampleEvents.ToBytes(SampleEvents.Build(EventType, "evt_writer_order")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1L, reader.SeenRows);
        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM test_side_effects WHERE handler = 'TestWriter'"));
        Assert.Equal(1, writer.Completions);
    }

    [Fact]
    public async Task A_writer_event_that_gives_up_on_a_held_claim_leaves_no_transaction_open_and_is_processed_later()
    {
        var writer = new TestWriter(failFirstAttempts: 0);
        await using var server = await WebhookTestServer.StartWithHandlersAsync(new Dictionary<string, string?> { ["Webhooks__LockTimeoutSeconds"] = "1" }, writer);
        var body = SampleEvents.ToBytes(SampleEvents.Build(EventType, "evt_writer_held"));

        // Another session holds the claim (as a first delivery still in flight would).
        await using (var holder = await server.DataSource.OpenConnectionAsync())
        await using (var held = await holder.BeginTransactionAsync())
        {
            await using (var claim = new NpgsqlCommand(
                "INSERT INTO processed_stripe_events (event_id, event_type, event_created, livemode) VALUES ('evt_writer_held', $1, now(), false)", holder, held))
            {
                claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = EventType });
                await claim.ExecuteNonQueryAsync();
            }

            using var inFlight = await server.PostSignedAsync(body);
            Assert.Equal(HttpStatusCode.Conflict, inFlight.StatusCode);
            await held.RollbackAsync();
        }

        Assert.Equal(0L, await server.ScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'"));
        using var retried = await server.PostSignedAsync(body);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM test_side_effects WHERE event_id = 'evt_writer_held'"));
        Assert.Equal(1L, await server.ScalarAsync<long>("SELECT count(*) FROM processed_stripe_events WHERE event_id = 'evt_writer_held'"));
    }

    [Fact]
    public async Task A_writer_statement_failing_on_a_duplicate_never_settles_the_first_deliverys_claim()
    {
        await using var server = await WebhookTestServer.StartWithHandlersAsync(settings: null, new FailsOnDuplicateWriter());
        var body = SampleEvents.ToBytes(SampleEvents.Build(EventType, "evt_writer_dup_fails"));

        using var first = await server.PostSignedAsync(body);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        // The redelivery's claim inserts nothing; then its writer's statement fails, after the savepoint. That is not a
        // failure of this delivery's handlers: the committed claim of the first must stay.
        using var again = await server.PostSignedAsync(body);

        Assert.NotEqual(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1L, await server.ScalarAsync<long>(
            "SELECT count(*) FROM processed_stripe_events WHERE event_id = 'evt_writer_dup_fails' AND outcome = 'processed'"));
        Assert.Equal(0L, await server.ScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'"));
    }

    /// <summary>A writer whose statement fails only when this transaction did not claim the event (a redelivery).</summary>
    private sealed class FailsOnDuplicateWriter : IStripeEventHandler, IStripeEventWriter
    {
        public IReadOnlyCollection<string> EventTypes { get; } = [EventType];

        public Task HandleAsync(StripeEvent stripeEvent, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the processor sends a writer's statements itself");

        public Action? AddCommands(StripeEvent stripeEvent, NpgsqlBatch batch)
        {
            // The division runs (and fails) only in the ELSE branch; a subquery, so the planner cannot fold it early.
            var command = new NpgsqlBatchCommand($"""
                SELECT CASE WHEN {EventClaimStore.ClaimedByThisTransaction("$1")} THEN 0
                            ELSE (SELECT 1 / (count(*)::int - count(*)::int) FROM processed_stripe_events) END
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stripeEvent.Id });
            batch.BatchCommands.Add(command);
            return null;
        }
    }

    /// <summary>Adds one insert; on the first attempts of an event the insert breaks a NOT NULL constraint in Postgres.</summary>
    private sealed class TestWriter(int failFirstAttempts) : IStripeEventHandler, IStripeEventWriter
    {
        private int _attempts;
        private int _completions;

        public IReadOnlyCollection<string> EventTypes { get; } = [EventType];

        public int Completions => Volatile.Read(ref _completions);

        public Task HandleAsync(StripeEvent stripeEvent, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the processor sends a writer's statements itself");

        public Action? AddCommands(StripeEvent stripeEvent, NpgsqlBatch batch)
        {
            var handlerName = Interlocked.Increment(ref _attempts) <= failFirstAttempts ? null : nameof(TestWriter);
            // Guarded as the contract asks: alone, a writer's statements run in the claim's batch, duplicate or not.
            var command = new NpgsqlBatchCommand(
                $"INSERT INTO test_side_effects (event_id, handler) SELECT $1, $2 WHERE {EventClaimStore.ClaimedByThisTransaction("$1")}");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stripeEvent.Id });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)handlerName ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            batch.BatchCommands.Add(command);
            return () => Interlocked.Increment(ref _completions);
        }
    }

    /// <summary>Reads, in the claim's transaction, how many side effects the event has so far.</summary>
    private sealed class CountingReader : IStripeEventHandler
    {
        public IReadOnlyCollection<string> EventTypes { get; } = [EventType];

        public long SeenRows { get; private set; } = -1;

        public async Task HandleAsync(StripeEvent stripeEvent, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM test_side_effects WHERE event_id = $1", connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stripeEvent.Id });
            SeenRows = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
    }
}
