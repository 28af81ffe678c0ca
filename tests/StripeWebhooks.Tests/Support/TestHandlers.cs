using System.Collections.Concurrent;
using Npgsql;
using StripeWebhooks.Events;
using StripeWebhooks.Processing;

namespace StripeWebhooks.Tests.Support;

/// <summary>A handler whose side effect is a row in <c>test_side_effects</c>, written through the claim's transaction.</summary>
public class RecordingHandler(params string[] eventTypes) : IStripeEventHandler
{
    public const string CreateTableSql = """
        CREATE TABLE IF NOT EXISTS test_side_effects (
            id       BIGSERIAL PRIMARY KEY,
            event_id TEXT NOT NULL,
            handler  TEXT NOT NULL)
        """;

    private int _invocations;

    public IReadOnlyCollection<string> EventTypes { get; } = eventTypes.Length == 0 ? ["test.recorded"] : eventTypes;

    /// <summary>How many times HandleAsync ran (including runs that were later rolled back).</summary>
    public int Invocations => Volatile.Read(ref _invocations);

    public virtual async Task HandleAsync(StripeEvent stripeEvent, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _invocations);
        await using var command = new NpgsqlCommand("INSERT INTO test_side_effects (event_id, handler) VALUES ($1, $2)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stripeEvent.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = GetType().Name });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task CreateTableAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(CreateTableSql);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>Writes its side effect, then throws on the first <c>failures</c> attempts of each event.</summary>
public sealed class FailingHandler(int failures, params string[] eventTypes) : RecordingHandler(eventTypes)
{
    private readonly ConcurrentDictionary<string, int> _attempts = new();

    public override async Task HandleAsync(StripeEvent stripeEvent, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await base.HandleAsync(stripeEvent, connection, transaction, cancellationToken);
        if (_attempts.AddOrUpdate(stripeEvent.Id, 1, (_, n) => n + 1) <= failures)
        {
            throw new InvalidOperationException("simulated handler failure");
        }
    }
}

/// <summary>Writes its side effect, then waits until the test releases it: keeps a delivery in flight.</summary>
public sealed class BlockingHandler(params string[] eventTypes) : RecordingHandler(eventTypes)
{
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override async Task HandleAsync(StripeEvent stripeEvent, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await base.HandleAsync(stripeEvent, connection, transaction, cancellationToken);
        Entered.TrySetResult();
        await Release.Task.WaitAsync(cancellationToken);
    }
}

/// <summary>
/// Writes its side effect, then throws an exception whose message cannot be read: the processor's own failure path
/// (which describes the exception for the ledger) fails too, so only the endpoint's last resort answers (see #24).
/// </summary>
public sealed class UnreadableFailureHandler(params string[] eventTypes) : RecordingHandler(eventTypes)
{
    public override async Task HandleAsync(StripeEvent stripeEvent, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await base.HandleAsync(stripeEvent, connection, transaction, cancellationToken);
        throw new UnreadableException();
    }

    private sealed class UnreadableException : Exception
    {
        public override string Message => throw new InvalidOperationException("this exception's message cannot be read");
    }
}
