using Npgsql;
using Stripe;
using Stripe.Checkout;
using StripeWebhooks.Processing;

namespace StripeWebhooks.Tests.Billing;

/// <summary>The typed application handler of docs/handlers.md: a welcome row for the e-mail of each completed checkout.</summary>
public sealed class WelcomeHandler : StripeEventHandler<Session>
{
    /// <summary>The application's own table (its own migration in a real app); a mailer sends each row after commit.</summary>
    public const string CreateTableSql = """
        CREATE TABLE IF NOT EXISTS welcome_messages (
            checkout_session_id TEXT PRIMARY KEY,
            email               TEXT NOT NULL)
        """;

    public override IReadOnlyCollection<string> EventTypes { get; } = ["checkout.session.completed"];

    protected override async Task HandleAsync(Event stripeEvent, Session session, NpgsqlConnection connection,
        NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        if (session.CustomerDetails?.Email is not { } email)
        {
            return;
        }

        await using var command = new NpgsqlCommand(
            "INSERT INTO welcome_messages (checkout_session_id, email) VALUES ($1, $2)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = session.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = email });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
