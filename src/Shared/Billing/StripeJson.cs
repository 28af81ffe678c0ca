using System.Text.Json;

namespace StripeWebhooks.Billing;

/// <summary>Reads the few fields the billing handlers need from <c>data.object</c>, in either API shape.</summary>
/// <remarks>
/// Error messages name fields, never their values: they reach the logs and the failure ledger. Invoices and
/// checkout sessions are read from a <see cref="JsonDocument"/>; subscriptions, most deliveries, forward only
/// (<see cref="StripeJsonReader"/>) under the same rules.
/// </remarks>
internal static class StripeJson
{
    /// <summary>Parses <c>data.object</c> in place (no copy); dispose the document before the event's buffer goes.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> dataObject, string objectKind)
    {
        if (dataObject.IsEmpty)
        {
            throw NoDataObject(objectKind);
        }

        var document = JsonDocument.Parse(dataObject);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw NotAnObject(objectKind);
        }

        return document;
    }

    /// <summary>The object's own <c>id</c>; an object without one is not something Stripe sends.</summary>
    public static string RequiredId(JsonElement element, string objectKind) =>
        String(element, "id") is { Length: > 0 } id ? id : throw NoId(objectKind);

    /// <summary>A string property; null when absent, null, or not a string.</summary>
    public static string? String(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>A reference to another object: its id, or the id inside it when Stripe expanded it.</summary>
    public static string? Reference(JsonElement element, string property)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(property, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object => String(value, "id"),
            _ => null,
        };
    }

    /// <summary>A nested object; <c>default</c> (kind Undefined) when absent or not an object.</summary>
    public static JsonElement Object(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : default;

    /// <summary><c>metadata[key]</c> when it is a non-empty string.</summary>
    public static string? Metadata(JsonElement element, string key) =>
        String(Object(element, "metadata"), key) is { Length: > 0 } value ? value : null;

    /// <summary>The event carries no <c>data.object</c> at all.</summary>
    public static InvalidDataException NoDataObject(string objectKind) => new($"The event has no data.object (expected a {objectKind}).");

    /// <summary><c>data.object</c> is JSON, but an array or a single value.</summary>
    public static InvalidDataException NotAnObject(string objectKind) => new($"data.object is not a JSON object (expected a {objectKind}).");

    /// <summary>The object has no usable <c>id</c>.</summary>
    public static InvalidDataException NoId(string objectKind) => new($"The {objectKind} in data.object has no id.");
}
