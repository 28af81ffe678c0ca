namespace StripeWebhooks.Events;

/// <summary>The envelope of a Stripe event; <see cref="DataObject"/> is the raw JSON of <c>data.object</c>.</summary>
/// <remarks>
/// <see cref="Payload"/> and <see cref="DataObject"/> point into the request's pooled buffer: they are valid
/// only while the event is being processed. Copy them (<c>ToArray()</c>) to keep them.
/// </remarks>
public sealed record StripeEvent(
    string Id,
    string Type,
    DateTimeOffset Created,
    bool Livemode,
    string? ApiVersion,
    string? Account,
    ReadOnlyMemory<byte> DataObject,
    ReadOnlyMemory<byte> Payload);
