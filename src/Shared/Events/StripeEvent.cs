namespace StripeWebhooks.Events;

/// <summary>The envelope of a Stripe event; <see cref="DataObject"/> is the raw JSON of <c>data.object</c>.</summary>
/// <remarks>
/// <see cref="Payload"/> and <see cref="DataObject"/> point into the request's pooled buffer: they are valid
/// only while the event is being processed. Copy them (<c>ToArray()</c>) to keep them. The Stripe.net view
/// (<see cref="ToStripeNetEvent"/>) is a copy and may be kept.
/// </remarks>
public sealed record StripeEvent(
    string Id,
    string Type,
    DateTimeOffset Created,
    bool Livemode,
    string? ApiVersion,
    string? Account,
    ReadOnlyMemory<byte> DataObject,
    ReadOnlyMemory<byte> Payload)
{
    // Parsed on the first request only: built-in handlers never ask, so their events never pay for it.
    private Stripe.Event? _stripeNetEvent;

    /// <summary>
    /// The event as Stripe.net's <see cref="Stripe.Event"/> (<c>Data.Object</c> typed: <c>Stripe.Subscription</c>,
    /// <c>Stripe.Invoice</c>, <c>Stripe.Checkout.Session</c>, ...), parsed from <see cref="Payload"/> on the first
    /// call and reused by later calls and handlers of the same delivery.
    /// </summary>
    /// <remarks>
    /// Stripe.net's models follow its pinned API version only; on another release they fill silently with
    /// defaults (a pre-basil subscription's period end reads 1970-01-01). So an event of another release is
    /// refused instead of handed over half-filled: the handler fails, and the event takes the usual failure path.
    /// </remarks>
    /// <exception cref="StripeApiVersionMismatchException">
    /// <see cref="ApiVersion"/> is missing or of another release than <c>Stripe.StripeConfiguration.ApiVersion</c>.
    /// </exception>
    public Stripe.Event ToStripeNetEvent() => _stripeNetEvent ??= StripeNetEventParser.Parse(this);
}
