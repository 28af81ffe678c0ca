namespace StripeWebhooks.Bench;

/// <summary>One signed POST, ready to write to a socket: request line, headers and body.</summary>
/// <param name="Request">The whole HTTP/1.1 request.</param>
/// <param name="EventId">The event's id (for the claim check).</param>
/// <param name="Redelivery">True for the second delivery of an event (it must be answered as a duplicate).</param>
internal sealed record Delivery(byte[] Request, string EventId, bool Redelivery);
