using Npgsql;
using StripeWebhooks.Outbox;

namespace StripeWebhooks.Tests.Support;

/// <summary>
/// An outbox consumer whose effect is in Postgres: one row in <c>outbox_applied</c> per application (no key, so a
/// second application of a message would show). <see cref="Broken"/> makes it throw instead.
/// </summary>
public sealed class RecordingOutboxHandler(string name = "recording", params string[] messageTypes) : IOutboxMessageHandler
{
    public const string CreateTableSql = "CREATE TABLE IF NOT EXISTS outbox_applied (message_id TEXT NOT NULL, handler TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())";

    private int _applications;

    public string Name => name;

    public IReadOnlyCollection<string> MessageTypes { get; } = messageTypes.Length == 0 ? ["entitlement.changed"] : messageTypes;

    /// <summary>While true, every message fails.</summary>
    public bool Broken { get; set; }

    /// <summary>Calls that reached the write (committed or not).</summary>
    public int Applications => Volatile.Read(ref _applications);

    public async Task HandleAsync(OutboxMessage message, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        if (Broken)
        {
            throw new InvalidOperationException($"{name} is broken");
        }

        Interlocked.Increment(ref _applications);
        await using var command = new NpgsqlCommand("INSERT INTO outbox_applied (message_id, handler) VALUES ($1, $2)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = message.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task CreateTableAsync(string connectionString)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(CreateTableSql);
        await command.ExecuteNonQueryAsync();
    }
}
