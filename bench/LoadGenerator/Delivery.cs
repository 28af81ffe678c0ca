namespace StripeWebhooks.Bench;

/// <summary>One signed POST, ready to write to a socket: request line, headers and body.</summary>
/// <param name="Request">The whole HTTP/1.1 request.</param>
/// <param name="BodyOffset">Where the body starts in <paramref name="Request"/> (a redelivery signs it again).</param>
/// <param name="EventNumber">The event's number in its plan (its id is the plan's prefix and this number).</param>
/// <param name="Redelivery">True for the second delivery of an event (it must be answered as a duplicate).</param>
internal sealed record Delivery(byte[] Request, int BodyOffset, long EventNumber, bool Redelivery)
{
    public ReadOnlySpan<byte> Body => Request.AsSpan(BodyOffset);
}
