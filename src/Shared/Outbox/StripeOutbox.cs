using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Npgsql;
using StripeWebhooks.Events;
using static StripeWebhooks.Persistence.SqlCommands;

namespace StripeWebhooks.Outbox;

/// <summary>
/// How an application handler (<see cref="Processing.IStripeEventHandler"/>) asks for a side effect outside the
/// database: it writes an outbox message in the claim's transaction, which is delivered after the commit.
/// </summary>
/// <example>
/// In <c>HandleAsync</c>: <c>await StripeOutbox.EnqueueAsync(connection, transaction, stripeEvent, "welcome_email.requested",
/// userId, new JsonObject { ["userId"] = userId }, cancellationToken);</c>
/// </example>
public static class StripeOutbox
{
    private const string InsertSql = """
        INSERT INTO stripe_outbox (id, event_id, type, payload) VALUES ($1, $2, $3, $4::jsonb)
        ON CONFLICT (id) DO NOTHING
        """;

    private static readonly HashSet<string> Reserved = ["id", "type", "eventId", "eventCreated"];

    // The event EnqueueAsync last wrote a message for, per transaction, so the processor wakes the dispatcher only after
    // commits that wrote one. Keyed by event as well: Npgsql reuses one transaction object per physical connection.
    private static readonly ConditionalWeakTable<NpgsqlTransaction, string> Written = new();

    /// <summary>
    /// Writes a message of <paramref name="type"/> through the handler's <paramref name="connection"/> and
    /// <paramref name="transaction"/>: it commits with the claim or not at all. Its id is
    /// <c>{event id}:{type}:{key}</c>, so an event writes one message per type and key however often it is
    /// processed; the body is <paramref name="data"/>'s properties plus <c>id</c>, <c>type</c>, <c>eventId</c> and
    /// <c>eventCreated</c>. Returns the id.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> uses one of the four reserved property names.</exception>
    public static async Task<string> EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StripeEvent stripeEvent,
        string type, string key, JsonObject? data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stripeEvent);
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(key);
        var id = OutboxIds.For(stripeEvent.Id, type, key);
        var body = new JsonObject
        {
            ["id"] = id,
            ["type"] = type,
            ["eventId"] = stripeEvent.Id,
            ["eventCreated"] = stripeEvent.Created.ToUnixTimeSeconds(),
        };
        foreach (var (name, value) in data ?? [])
        {
            if (Reserved.Contains(name))
            {
                throw new ArgumentException($"'{name}' is set by the outbox; choose another property name.", nameof(data));
            }

            body[name] = value?.DeepClone();
        }

        await using var command = new NpgsqlCommand(InsertSql, connection, transaction);
        command.Parameters.Add(Text(id));
        command.Parameters.Add(Text(stripeEvent.Id));
        command.Parameters.Add(Text(type));
        command.Parameters.Add(Text(body.ToJsonString()));
        if (await command.ExecuteNonQueryAsync(cancellationToken) > 0)
        {
            Written.AddOrUpdate(transaction, stripeEvent.Id);
        }

        return id;
    }

    /// <summary>True when <see cref="EnqueueAsync"/> wrote a message for <paramref name="stripeEvent"/> through <paramref name="transaction"/>.</summary>
    internal static bool WroteIn(NpgsqlTransaction transaction, StripeEvent stripeEvent) =>
        Written.TryGetValue(transaction, out var eventId) && string.Equals(eventId, stripeEvent.Id, StringComparison.Ordinal);
}
