using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using StripeWebhooks.Observability;
using StripeWebhooks.Operations;
using StripeWebhooks.Outbox;
using StripeWebhooks.Tests.Support;
using static StripeWebhooks.Tests.Support.DatabaseValues;

namespace StripeWebhooks.Tests.Outbox;

/// <summary>
/// The orders of #24 replayed step by step against a real Postgres and a real Azurite queue: dispatchers whose sends
/// are held open by a gate, a dispatcher "killed" before its commit (its backend terminated, as when its instance
/// dies), and consumers driven by hand. Every message ends consumed, its handler applied once, no copy left queued.
/// </summary>
public sealed class DispatcherCrashInterleavingTests : IAsyncLifetime
{
    private const string MessageId = "evt_strand:entitlement.changed:user_1";

    private readonly string _queueName = AzuriteQueue.NewQueueName();
    private readonly RecordingOutboxHandler _handler = new();
    private ServiceProvider _services = null!;
    private NpgsqlDataSource _dataSource = null!;
    private QueueClient _queue = null!;
    private string _connectionString = null!;

    public async Task InitializeAsync()
    {
        _connectionString = await TestDatabase.CreateAsync();
        await RecordingOutboxHandler.CreateTableAsync(_connectionString);
        var storage = await AzuriteQueue.SharedConnectionStringAsync();
        _services = PipelineServices.Create(_connectionString,
            new Dictionary<string, string?> { ["AzureWebJobsStorage"] = storage, ["Outbox__QueueName"] = _queueName },
            services => services.AddSingleton<IOutboxMessageHandler>(_handler));
        _dataSource = _services.GetRequiredService<NpgsqlDataSource>();
        _queue = new QueueClient(storage, _queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await _queue.CreateIfNotExistsAsync();
        await using var insert = _dataSource.CreateCommand("""
            INSERT INTO stripe_outbox (id, event_id, type, payload)
            VALUES ($1, 'evt_strand', 'entitlement.changed', jsonb_build_object('id', $1::text, 'type', 'entitlement.changed', 'eventId', 'evt_strand'))
            """);
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = MessageId });
        await insert.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await _queue.DeleteIfExistsAsync();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task A_copy_consumed_while_its_dispatcher_dies_before_commit_is_not_dispatched_again_nor_left_unconsumed()
    {
        // 1. Dispatcher A claims the message and sends copy #1; its instance dies before COMMIT.
        await using var a = new GatedDispatcher(this, "dispatcher-a");
        var dispatchA = a.DispatchAsync();
        await a.Sent.Task;

        // 2. Consumer C1 takes copy #1 and applies it; its consumed mark waits on A's row lock.
        var copy1 = await ReceiveOneAsync();
        var consumer1 = ConsumeAsync(copy1);
        await WaitUntilWaitingOnLockAsync();
        await a.KillAsync();
        await consumer1;
        await _queue.DeleteMessageAsync(copy1.MessageId, copy1.PopReceipt);
        await Assert.ThrowsAnyAsync<Exception>(() => dispatchA);

        // 3. Dispatcher B, in the restarted instance, sweeps: the message was consumed, so there is nothing to send.
        await using var b = new GatedDispatcher(this, "dispatcher-b");
        var dispatchB = b.DispatchAsync();
        if (await Task.WhenAny(dispatchB, b.Sent.Task) == b.Sent.Task)
        {
            // 4. (What #24 saw: B re-sent it, and C2 consumed copy #2 before B's commit.)
            var copy2 = await ReceiveOneAsync();
            await ConsumeAsync(copy2);
            await _queue.DeleteMessageAsync(copy2.MessageId, copy2.PopReceipt);
            b.Open();
        }

        // 5. B commits.
        await dispatchB;

        await AssertConsumedOnceWithNothingQueuedAsync();
    }

    [Fact]
    public async Task Copies_consumed_before_the_redispatching_dispatcher_commits_end_consumed()
    {
        // A sends copy #1 and dies before COMMIT, before any consumer saw it.
        await using var a = new GatedDispatcher(this, "dispatcher-a");
        var dispatchA = a.DispatchAsync();
        await a.Sent.Task;
        await a.KillAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => dispatchA);

        // B claims it again and sends copy #2; its COMMIT waits for the rest of its batch.
        await using var b = new GatedDispatcher(this, "dispatcher-b");
        var dispatchB = b.DispatchAsync();
        await b.Sent.Task;

        // Both copies are consumed meanwhile: the handler once, each mark waiting on B's lock.
        var copy1 = await ReceiveOneAsync();
        var copy2 = await ReceiveOneAsync();
        var consumers = Task.WhenAll(ConsumeAsync(copy1), ConsumeAsync(copy2));
        await WaitUntilWaitingOnLockAsync();
        b.Open();
        await Task.WhenAll(dispatchB, consumers);
        await _queue.DeleteMessageAsync(copy1.MessageId, copy1.PopReceipt);
        await _queue.DeleteMessageAsync(copy2.MessageId, copy2.PopReceipt);

        await AssertConsumedOnceWithNothingQueuedAsync();
    }

    [Fact]
    public async Task A_message_the_queue_lost_is_dispatched_again_after_the_redispatch_delay_and_applied_once()
    {
        var dispatcher = _services.GetRequiredService<OutboxDispatcher>();
        var statistics = _services.GetRequiredService<WebhookStatisticsQuery>();
        Assert.Equal(1, await dispatcher.DispatchAsync(TimeSpan.Zero, CancellationToken.None));

        // An operator clears the queue (or the message expires): dispatched, never consumed.
        await _queue.ClearMessagesAsync();
        var stats = await statistics.ReadAsync(CancellationToken.None);
        Assert.Equal(1L, stats.OutboxUnconsumed);
        Assert.Equal(0L, stats.OutboxUndispatched);

        // Dispatched 9 minutes ago: still inside Outbox__RedispatchAfterMinutes (10), left alone.
        await ExecuteAsync("UPDATE stripe_outbox SET dispatched_at = now() - interval '9 minutes'");
        Assert.Equal(0, await dispatcher.SweepAsync(CancellationToken.None));
        Assert.Empty((await _queue.PeekMessagesAsync()).Value);

        // 11 minutes ago: the sweep dispatches it again.
        await ExecuteAsync("UPDATE stripe_outbox SET dispatched_at = now() - interval '11 minutes'");
        Assert.Equal(1, await dispatcher.SweepAsync(CancellationToken.None));
        var copy = await ReceiveOneAsync();
        await ConsumeAsync(copy);
        await _queue.DeleteMessageAsync(copy.MessageId, copy.PopReceipt);

        stats = await statistics.ReadAsync(CancellationToken.None);
        Assert.Equal(0L, stats.OutboxUnconsumed);
        Assert.Null(stats.OldestUnconsumedAge);
        Assert.Equal(0, await dispatcher.SweepAsync(CancellationToken.None));
        await AssertConsumedOnceWithNothingQueuedAsync();
    }

    private async Task AssertConsumedOnceWithNothingQueuedAsync()
    {
        // A last sweep, as the next instance would run it: nothing left to send.
        Assert.Equal(0, await _services.GetRequiredService<OutboxDispatcher>().DispatchAsync(TimeSpan.Zero, CancellationToken.None));
        await using var read = _dataSource.CreateCommand("SELECT dispatched_at IS NOT NULL, consumed_at IS NOT NULL FROM stripe_outbox WHERE id = $1");
        read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = MessageId });
        await using (var reader = await read.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.True(reader.GetBoolean(0), "dispatched");
            Assert.True(reader.GetBoolean(1), "consumed: a dispatched message whose copies are all gone must not stay unconsumed");
        }

        Assert.Equal(1L, await CountAsync(_dataSource, "SELECT count(*) FROM outbox_applied"));
        Assert.Equal(1L, await CountAsync(_dataSource, "SELECT count(*) FROM stripe_outbox_receipts"));
        Assert.Empty((await _queue.PeekMessagesAsync()).Value);
    }

    private Task ConsumeAsync(Azure.Storage.Queues.Models.QueueMessage copy) =>
        _services.GetRequiredService<OutboxConsumer>().ConsumeDeliveryAsync(OutboxMessage.Parse(copy.Body.ToString()), copy.DequeueCount, CancellationToken.None);

    private async Task<Azure.Storage.Queues.Models.QueueMessage> ReceiveOneAsync()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var received = (await _queue.ReceiveMessagesAsync(maxMessages: 1, visibilityTimeout: TimeSpan.FromMinutes(5))).Value;
            if (received.Length == 1)
            {
                return received[0];
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException("no message arrived in the queue");
    }

    // A consumer's mark blocked on a dispatcher's row lock, as pg_stat_activity shows it.
    private async Task WaitUntilWaitingOnLockAsync()
    {
        await OutboxServer.EventuallyAsync(async () => await CountAsync(_dataSource, """
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%SET consumed_at%'
            """) > 0, "a consumer waits on the dispatcher's row lock");
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A dispatcher of its own (own connections, named <paramref name="name"/>) whose sends reach the real queue and then
    /// wait for <see cref="Open"/>: its transaction stays open between send and commit for as long as a step needs.
    /// </summary>
    private sealed class GatedDispatcher : IOutboxTransport, IAsyncDisposable
    {
        private readonly IOutboxTransport _queue;
        private readonly NpgsqlDataSource _dataSource;
        private readonly OutboxDispatcher _dispatcher;
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource _stopping = new();
        private readonly string _name;

        public GatedDispatcher(DispatcherCrashInterleavingTests test, string name)
        {
            _name = name;
            _queue = test._services.GetRequiredService<IOutboxTransport>();
            _dataSource = NpgsqlDataSource.Create(test._connectionString + ";Application Name=" + name);
            _dispatcher = new OutboxDispatcher(_dataSource, this, test._services.GetRequiredService<IOptions<OutboxOptions>>(),
                test._services.GetRequiredService<WebhookMetrics>(), NullLogger<OutboxDispatcher>.Instance);
        }

        public TaskCompletionSource Sent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool ConsumesInProcess => false;

        public Task<int> DispatchAsync() => Task.Run(() => _dispatcher.DispatchAsync(TimeSpan.Zero, _stopping.Token));

        public async Task SendAsync(OutboxMessage message, string body, CancellationToken cancellationToken)
        {
            await _queue.SendAsync(message, body, cancellationToken);
            Sent.TrySetResult();
            await _gate.Task.WaitAsync(cancellationToken);
        }

        public void Open() => _gate.TrySetResult();

        /// <summary>Its instance dies: Postgres ends its session (the transaction rolls back), and its process stops.</summary>
        public async Task KillAsync()
        {
            await using (var terminate = _dataSource.CreateCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()"))
            {
                terminate.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _name });
                await terminate.ExecuteNonQueryAsync();
            }

            await _stopping.CancelAsync();
        }

        public async ValueTask DisposeAsync()
        {
            Open();
            await _dataSource.DisposeAsync();
            _stopping.Dispose();
        }
    }
}
