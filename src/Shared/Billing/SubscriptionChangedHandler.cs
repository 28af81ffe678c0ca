using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StripeWebhooks.Events;
using StripeWebhooks.Outbox;
using StripeWebhooks.Processing;

namespace StripeWebhooks.Billing;

/// <summary>
/// <c>customer.subscription.created|updated|deleted</c>: keeps the subscription's status, tier, period end and
/// cancel_at_period_end in step with Stripe, and links its customer to the app user named in its metadata.
/// </summary>
internal sealed partial class SubscriptionChangedHandler(
    PriceTiers prices,
    IOptions<BillingOptions> options,
    OutboxSignal outbox,
    ILogger<SubscriptionChangedHandler> logger) : IStripeEventHandler, IStripeEventWriter
{
    public const string Created = "customer.subscription.created";
    public const string Updated = "customer.subscription.updated";
    public const string Deleted = "customer.subscription.deleted";

    private readonly string _userIdMetadataKey = options.Value.UserIdMetadataKey;

    public IReadOnlyCollection<string> EventTypes { get; } = [Created, Updated, Deleted];

    /// <exception cref="UnknownPriceException">
    /// The subscription grants access (active, trialing, past_due) on a price <c>Billing__Prices</c> does not map:
    /// the event fails and Stripe retries it, rather than guessing a tier.
    /// </exception>
    /// <remarks>Its statements only: the after-commit work is the committer's (<see cref="StripeEventWriters.RunAsync"/>).</remarks>
    public Task HandleAsync(StripeEvent stripeEvent, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        StripeEventWriters.RunAsync(this, stripeEvent, connection, transaction, cancellationToken);

    /// <exception cref="UnknownPriceException">See <see cref="HandleAsync"/>.</exception>
    Action? IStripeEventWriter.AddCommands(StripeEvent stripeEvent, NpgsqlBatch batch)
    {
        var subscription = SubscriptionPayload.Read(stripeEvent.DataObject, _userIdMetadataKey);
        var status = stripeEvent.Type == Deleted
            ? (subscription.Status == SubscriptionStatus.IncompleteExpired ? SubscriptionStatus.IncompleteExpired : SubscriptionStatus.Canceled)
            : subscription.Status ?? throw new InvalidDataException("The subscription in data.object has no status.");

        // A subscription that no longer grants access needs no tier: a retired price must not block a downgrade.
        if (!prices.TryGetTier(subscription.PriceId, out var tier) && SubscriptionStatus.GrantsTier(status))
        {
            throw new UnknownPriceException(subscription.PriceId);
        }

        var change = new SubscriptionChange(subscription.Id, subscription.CustomerId, subscription.UserId, status, tier,
            subscription.PriceId, subscription.CurrentPeriodEnd, subscription.CancelAtPeriodEnd, OnlyFromStatuses: null);
        return EntitlementStore.AddSubscriptionChange(batch, stripeEvent, change, outbox, () => LogNotApplied(logger, stripeEvent.Id, stripeEvent.Type));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{EventId} ({EventType}) is behind the subscription's watermark; claimed without changing it")]
    private static partial void LogNotApplied(ILogger logger, string eventId, string eventType);
}
