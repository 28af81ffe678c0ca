namespace StripeWebhooks.Events;

/// <summary>
/// A handler asked for Stripe.net's typed view of an event written in another API release than the one
/// Stripe.net's models follow.
/// </summary>
/// <remarks>
/// Stripe.net would fill its objects with defaults where the shapes differ, so the event fails instead: it is
/// recorded in the failure ledger, retried by Stripe and parked after <c>Webhooks__MaxAttempts</c>, like any
/// handler failure. The message names both versions and the two ways out.
/// </remarks>
public sealed class StripeApiVersionMismatchException : InvalidOperationException
{
    /// <summary>Creates the exception for event <paramref name="eventId"/>.</summary>
    public StripeApiVersionMismatchException(string eventId, string? eventApiVersion, string stripeNetApiVersion)
        : base($"Event {eventId} has API version {eventApiVersion ?? "(none)"}, but Stripe.net "
            + $"{Stripe.StripeConfiguration.StripeNetVersion} models API version {stripeNetApiVersion}, a different release: "
            + "its typed objects would be filled with defaults. Create the webhook endpoint with "
            + $"api_version={stripeNetApiVersion}, or read the raw JSON (StripeEvent.DataObject) in this handler.")
    {
        EventId = eventId;
        EventApiVersion = eventApiVersion;
        StripeNetApiVersion = stripeNetApiVersion;
    }

    /// <summary>The event that was refused.</summary>
    public string EventId { get; }

    /// <summary>The event's <c>api_version</c>; null when it had none.</summary>
    public string? EventApiVersion { get; }

    /// <summary>The API version Stripe.net's models follow (<c>Stripe.StripeConfiguration.ApiVersion</c>).</summary>
    public string StripeNetApiVersion { get; }
}
