using Microsoft.Extensions.Logging;
using Npgsql;
using StripeWebhooks.Events;
using StripeWebhooks.Outbox;
using StripeWebhooks.Processing;

namespace StripeWebhooks.Billing;

/// <summary>
/// <c>invoice.payment_failed</c> moves the invoice's subscription to past_due; <c>invoice.paid</c> makes it active
/// again. Invoices without a subscription (one-off invoices) are acknowledged and ignored.
/// </summary>
/// <remarks>
/// Same watermark as the subscription events. An invoice only moves a subscription between the statuses
/// Stripe itself would: a failed payment makes an active or trialing subscription past_due (an incomplete
/// one stays incomplete, an unpaid one unpaid); a paid invoice ends past_due, unpaid or incomplete. Neither
/// revives a canceled subscription (a late invoice of a canceled subscription can still be paid), and the $0
/// invoice that starts a trial does not turn trialing into active.
/// </remarks>
internal sealed partial class InvoicePaymentHandler(OutboxSignal outbox, ILogger<InvoicePaymentHandler> logger) : IStripeEventHandler, IStripeEventWriter
{
    public const string PaymentFailed = "invoice.payment_failed";
    public const string Paid = "invoice.paid";

    private static readonly string[] PaymentFailedFrom =
        [SubscriptionStatus.Active, SubscriptionStatus.Trialing, SubscriptionStatus.PastDue];

    private static readonly string[] PaidFrom =
        [SubscriptionStatus.PastDue, SubscriptionStatus.Unpaid, SubscriptionStatus.Incomplete, SubscriptionStatus.Active];

    public IReadOnlyCollection<string> EventTypes { get; } = [PaymentFailed, Paid];

    /// <remarks>Its statements only: the after-commit work is the committer's (<see cref="StripeEventWriters.RunAsync"/>).</remarks>
    public Task HandleAsync(StripeEvent stripeEvent, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        StripeEventWriters.RunAsync(this, stripeEvent, connection, transaction, cancellationToken);

    Action? IStripeEventWriter.AddCommands(StripeEvent stripeEvent, NpgsqlBatch batch)
    {
        var invoice = InvoicePayload.Read(stripeEvent.DataObject);
        if (invoice.SubscriptionId is null)
        {
            return null;
        }

        var (status, from) = stripeEvent.Type == Paid
            ? (SubscriptionStatus.Active, PaidFrom)
            : (SubscriptionStatus.PastDue, PaymentFailedFrom);
        var change = new SubscriptionChange(invoice.SubscriptionId, invoice.CustomerId, UserId: null, status, Tier: null,
            PriceId: null, CurrentPeriodEnd: null, CancelAtPeriodEnd: null, OnlyFromStatuses: from);
        return EntitlementStore.AddSubscriptionChange(batch, stripeEvent, change, outbox, () => LogNotApplied(logger, stripeEvent.Id, stripeEvent.Type));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{EventId} ({EventType}) does not change the subscription (older, or not from its status); claimed without changing it")]
    private static partial void LogNotApplied(ILogger logger, string eventId, string eventType);
}
