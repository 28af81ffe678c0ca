using System.Text.Json;

namespace StripeWebhooks.Outbox;

/// <summary>A message of the outbox as its consumers get it: the queue message's body, parsed.</summary>
/// <param name="Id">Deterministic from the event, the producer and its key: use it as the idempotency key of any outside call.</param>
/// <param name="Type">The message type, e.g. <c>entitlement.changed</c>.</param>
/// <param name="EventId">The Stripe event that produced it.</param>
/// <param name="Payload">The whole body (it repeats <c>id</c>, <c>type</c> and <c>eventId</c>).</param>
public sealed record OutboxMessage(string Id, string Type, string EventId, JsonElement Payload)
{
    /// <summary>Parses a body as the dispatcher sends it.</summary>
    /// <exception cref="FormatException">The body is not a JSON object with string <c>id</c>, <c>type</c> and <c>eventId</c>.</exception>
    internal static OutboxMessage Parse(string body)
    {
        JsonElement payload;
        try
        {
            using var document = JsonDocument.Parse(body);
            payload = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new FormatException("An outbox message must be a JSON object.", ex);
        }

        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("An outbox message must be a JSON object.");
        }

        return new OutboxMessage(Read(payload, "id"), Read(payload, "type"), Read(payload, "eventId"), payload);
    }

    private static string Read(JsonElement payload, string property) =>
        payload.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"An outbox message needs a string '{property}'.");
}
