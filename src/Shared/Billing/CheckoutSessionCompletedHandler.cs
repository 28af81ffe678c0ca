using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StripeWebhooks.Events;
using StripeWebhooks.Outbox;
using StripeWebhooks.Processing;

namespace StripeWebhooks.Billing;

/// <summary>
/// <c>checkout.session.completed</c> (mode <c>subscription</c>): links the customer to the app user
/// (<c>client_reference_id</c>, else <c>metadata[Billing__UserIdMetadataKey]</c>) and records the subscription.
/// Sessions in <c>payment</c> or <c>setup</c> mode are acknowledged and ignored.
/// </summary>
/// <remarks>
/// The session may arrive before or after its subscription's events; the <c>entitlements</c> view joins
/// subscriptions to users through <c>stripe_customers</c>, so whichever comes last completes the link.
/// </remarks>
internal sealed partial class CheckoutSessionCompletedHandler(
    IOptions<BillingOptions> options,
    OutboxSignal outbox,
    ILogger<CheckoutSessionCompletedHandler> logger) : IStripeEventHandler, IStripeEventWriter
{
    public const string Completed = "checkout.session.completed";

    private readonly string _userIdMetadataKey = options.Value.UserIdMetadataKey;

    public IReadOnlyCollection<string> EventTypes { get; } = [Completed];

    /// <remarks>Its statements only: the after-commit work is the committer's (<see cref="StripeEventWriters.RunAsync"/>).</remarks>
    public Task HandleAsync(StripeEvent stripeEvent, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        StripeEventWriters.RunAsync(this, stripeEvent, connection, transaction, cancellationToken);

    Action? IStripeEventWriter.AddCommands(StripeEvent stripeEvent, NpgsqlBatch batch)
    {
        var session = CheckoutSessionPayload.Read(stripeEvent.DataObject, _userIdMetadataKey);
        if (session.Mode != CheckoutSessionPayload.SubscriptionMode)
        {
            return null;
        }

        if (session.UserId is null)
        {
            // Not an error: the subscription's own metadata may still name the user.
            LogNoUser(logger, stripeEvent.Id, _userIdMetadataKey);
        }

        return EntitlementStore.AddCheckoutLink(batch, stripeEvent, session, outbox);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{EventId} has neither client_reference_id nor metadata {MetadataKey}: its customer is not linked to a user")]
    private static partial void LogNoUser(ILogger logger, string eventId, string metadataKey);
}
