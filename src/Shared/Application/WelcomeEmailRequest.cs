using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Npgsql;
using StripeWebhooks.Billing;
using StripeWebhooks.Events;
using StripeWebhooks.Outbox;
using StripeWebhooks.Processing;

namespace StripeWebhooks.Application;

/// <summary>
/// The producer half of the welcome e-mail example: a completed checkout that names its user writes one
/// <c>welcome_email.requested</c> message in the claim's transaction, so it commits with the claim or not at all.
/// </summary>
internal sealed class WelcomeEmailRequest(IOptions<BillingOptions> billing) : IStripeEventHandler
{
    public IReadOnlyCollection<string> EventTypes { get; } = ["checkout.session.completed"];

    public async Task HandleAsync(StripeEvent stripeEvent, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stripeEvent);
        var session = CheckoutSessionPayload.Read(stripeEvent.DataObject, billing.Value.UserIdMetadataKey);
        if (session.UserId is not { } userId)
        {
            return;
        }

        // The id is {event id}:welcome_email.requested:{user}: a redelivery or replay cannot add a second message.
        await StripeOutbox.EnqueueAsync(connection, transaction, stripeEvent, WelcomeEmail.MessageType, userId,
            new JsonObject { ["userId"] = userId }, cancellationToken);
    }
}
