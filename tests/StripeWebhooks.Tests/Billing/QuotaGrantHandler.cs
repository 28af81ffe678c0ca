using Npgsql;
using StripeWebhooks.Billing;
using StripeWebhooks.Events;
using StripeWebhooks.Processing;

namespace StripeWebhooks.Tests.Billing;

/// <summary>The application handler of docs/handlers.md: 1000 API credits per paid subscription invoice.</summary>
public sealed class QuotaGrantHandler : IStripeEventHandler
{
    /// <summary>The application's own table (its own migration in a real app).</summary>
    public const string CreateTableSql = """
        CREATE TABLE IF NOT EXISTS quota_grants (
            invoice_id      TEXT PRIMARY KEY,
            subscription_id TEXT NOT NULL,
            credits         INTEGER NOT NULL)
        """;

    public IReadOnlyCollection<string> EventTypes { get; } = ["invoice.paid"];

    public async Task HandleAsync(StripeEvent stripeEvent, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var invoice = InvoicePayload.Read(stripeEvent.DataObject);
        if (invoice.SubscriptionId is null)
        {
            return;
        }

        // No ON CONFLICT needed: the claim runs this once per event, and a rollback takes this row with it.
        await using var command = new NpgsqlCommand(
            "INSERT INTO quota_grants (invoice_id, subscription_id, credits) VALUES ($1, $2, 1000)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = invoice.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = invoice.SubscriptionId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
