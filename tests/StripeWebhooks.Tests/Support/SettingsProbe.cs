using Npgsql;
using StripeWebhooks.Events;
using StripeWebhooks.Processing;

namespace StripeWebhooks.Tests.Support;

/// <summary>An application handler that records the values of some Postgres settings as it sees them, '|'-separated.</summary>
public sealed class SettingsProbe(IReadOnlyList<string> settings, params string[] eventTypes) : IStripeEventHandler
{
    public IReadOnlyCollection<string> EventTypes { get; } = eventTypes;

    public string? Settings { get; private set; }

    public async Task HandleAsync(StripeEvent stripeEvent, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT array_to_string(ARRAY(SELECT current_setting(name) FROM unnest($1) WITH ORDINALITY AS s(name, n) ORDER BY n), '|')", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. settings] });
        Settings = (string?)await command.ExecuteScalarAsync(cancellationToken);
    }
}
