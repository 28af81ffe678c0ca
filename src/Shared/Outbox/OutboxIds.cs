namespace StripeWebhooks.Outbox;

/// <summary>
/// An outbox message's id: deterministic from the event, the producer and the producer's key, so that a replay or
/// a redelivery of the event cannot write a second message (the id is the table's primary key).
/// </summary>
internal static class OutboxIds
{
    /// <summary>The id, e.g. <c>evt_1:entitlement.changed:user_42</c> (migration 0011 writes the same form in SQL).</summary>
    public static string For(string eventId, string producer, string key) => $"{eventId}:{producer}:{key}";
}
