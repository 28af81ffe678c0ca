using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Unicode;

namespace StripeWebhooks.Events;

/// <summary>Reads the event envelope with a forward-only reader; <c>data.object</c> is sliced, never materialised.</summary>
internal static class StripeEventParser
{
    /// <summary>Longest event id or type accepted; Stripe's are far shorter.</summary>
    public const int MaxIdentifierLength = 255;

    /// <summary>Parses <paramref name="payload"/>; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> payload, [NotNullWhen(true)] out StripeEvent? stripeEvent, [NotNullWhen(false)] out string? error)
    {
        stripeEvent = null;
        try
        {
            return TryRead(payload, out stripeEvent, out error);
        }
        catch (JsonException)
        {
            error = "body is not valid JSON";
            return false;
        }
        catch (InvalidOperationException)
        {
            // Utf8JsonReader.Get* on a token of another kind (e.g. "created": "yesterday").
            error = "event fields have the wrong JSON types";
            return false;
        }
    }

    private static bool TryRead(ReadOnlyMemory<byte> payload, out StripeEvent? stripeEvent, out string? error)
    {
        stripeEvent = null;
        if (!Utf8.IsValid(payload.Span))
        {
            // The reader only checks the strings it decodes; handlers decode more of data.object later.
            error = "body is not valid UTF-8";
            return false;
        }

        var reader = new Utf8JsonReader(payload.Span, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            error = "body is not a JSON object";
            return false;
        }

        string? id = null, type = null, apiVersion = null, account = null, objectKind = null;
        long? created = null;
        string? createdError = null;
        var livemode = false;
        ReadOnlyMemory<byte> dataObject = default;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                dataObject = reader.TokenType == JsonTokenType.StartObject ? ReadDataObject(ref reader, payload) : SkipValue(ref reader);
                continue;
            }

            var field = Classify(ref reader);
            reader.Read();
            switch (field)
            {
                case EnvelopeField.Id: id = ReadString(ref reader); break;
                case EnvelopeField.Object: objectKind = ReadString(ref reader); break;
                case EnvelopeField.Type: type = ReadString(ref reader); break;
                case EnvelopeField.Created: created = ReadCreated(ref reader, ref createdError); break;
                case EnvelopeField.Livemode: livemode = reader.TokenType == JsonTokenType.True; break;
                case EnvelopeField.ApiVersion: apiVersion = ReadString(ref reader); break;
                case EnvelopeField.Account: account = ReadString(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        // The reader only proves well-formedness up to here; finish it so trailing garbage is refused.
        while (reader.Read())
        {
        }

        error = Validate(id, type, objectKind, dataObject) ?? createdError ?? (created is null ? "event has no numeric \"created\"" : null);
        if (error is not null)
        {
            return false;
        }

        stripeEvent = new StripeEvent(
            id!, type!, DateTimeOffset.FromUnixTimeSeconds(created!.Value), livemode, apiVersion, account, dataObject, payload);
        return true;
    }

    private enum EnvelopeField { Other, Id, Object, Type, Created, Livemode, ApiVersion, Account }

    // Compares the property name in place (escaped names included) instead of allocating a string per property.
    private static EnvelopeField Classify(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("id"u8) ? EnvelopeField.Id
        : reader.ValueTextEquals("object"u8) ? EnvelopeField.Object
        : reader.ValueTextEquals("type"u8) ? EnvelopeField.Type
        : reader.ValueTextEquals("created"u8) ? EnvelopeField.Created
        : reader.ValueTextEquals("livemode"u8) ? EnvelopeField.Livemode
        : reader.ValueTextEquals("api_version"u8) ? EnvelopeField.ApiVersion
        : reader.ValueTextEquals("account"u8) ? EnvelopeField.Account
        : EnvelopeField.Other;

    private static string? Validate(string? id, string? type, string? objectKind, ReadOnlyMemory<byte> dataObject)
    {
        if (IdentifierProblem(id) is { } idProblem)
        {
            return $"event \"id\" {idProblem}";
        }

        if (IdentifierProblem(type) is { } typeProblem)
        {
            return $"event \"type\" {typeProblem}";
        }

        if (objectKind is not null && objectKind != "event")
        {
            return "JSON object is not a Stripe event (\"object\" is not \"event\")";
        }

        return dataObject.IsEmpty ? "event has no \"data.object\"" : null;
    }

    /// <summary>
    /// Why <paramref name="value"/> cannot be an id or type Stripe sends, or null. Stripe's are short printable ASCII;
    /// anything else (a NUL, which Postgres text cannot hold, among them) would fail later, as a 500 (see #24).
    /// </summary>
    private static string? IdentifierProblem(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "is missing or not a string";
        }

        if (value.Length > MaxIdentifierLength)
        {
            return $"is longer than {MaxIdentifierLength} characters";
        }

        return value.AsSpan().ContainsAnyExceptInRange(' ', '~')
            ? "holds a character outside printable ASCII (a control character, or non-ASCII)"
            : null;
    }

    // Unix seconds a DateTimeOffset (and so a Postgres timestamptz) can hold: 0001-01-01 to 9999-12-31.
    private static long? ReadCreated(ref Utf8JsonReader reader, ref string? error)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            reader.Skip();
            return null;
        }

        if (reader.TryGetInt64(out var seconds)
            && seconds >= DateTimeOffset.MinValue.ToUnixTimeSeconds() && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return seconds;
        }

        error = "event \"created\" is not a whole number of Unix seconds a timestamp can hold (years 1 to 9999)";
        return null;
    }

    private static ReadOnlyMemory<byte> ReadDataObject(ref Utf8JsonReader reader, ReadOnlyMemory<byte> payload)
    {
        ReadOnlyMemory<byte> dataObject = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isObject = reader.ValueTextEquals("object"u8);
            reader.Read();
            if (isObject && reader.TokenType == JsonTokenType.StartObject)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                dataObject = payload[start..(int)reader.BytesConsumed];
            }
            else
            {
                reader.Skip();
            }
        }

        return dataObject;
    }

    private static ReadOnlyMemory<byte> SkipValue(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return default;
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.ValueSpan.Length > MaxIdentifierLength * 6 ? null : reader.GetString();
        }

        reader.Skip();
        return null;
    }
}
