using System.Text.Json;

namespace StripeWebhooks.Billing;

/// <summary>
/// <see cref="StripeJson"/>'s rules for a forward-only read of <c>data.object</c>: a pass notes where each wanted
/// value is (a <see cref="Range"/> of the JSON, null when absent or of another kind) and skips the rest, then the
/// values are decoded from there.
/// </summary>
/// <remarks>
/// Like <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/>, a property that appears twice reads as
/// its last occurrence: each Read* overwrites what an earlier occurrence noted. Only the values a payload
/// keeps are ever decoded.
/// </remarks>
internal static class StripeJsonReader
{
    private static readonly long MinUnixSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    /// <summary>A reader on <c>data.object</c>'s opening brace.</summary>
    /// <exception cref="InvalidDataException"><paramref name="dataObject"/> is empty or not a JSON object.</exception>
    /// <exception cref="JsonException"><paramref name="dataObject"/> is not JSON.</exception>
    public static Utf8JsonReader Open(ReadOnlySpan<byte> dataObject, string objectKind)
    {
        if (dataObject.IsEmpty)
        {
            throw StripeJson.NoDataObject(objectKind);
        }

        var reader = new Utf8JsonReader(dataObject);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            // Malformed JSON fails as such (JsonException) before this, as when the whole document was parsed first.
            Finish(ref reader);
            throw StripeJson.NotAnObject(objectKind);
        }

        return reader;
    }

    /// <summary>Reads to the end, after the root object: a pass proves well-formedness only up to where it stopped.</summary>
    public static void Finish(ref Utf8JsonReader reader)
    {
        while (reader.Read())
        {
        }
    }

    /// <summary>Skips a property's value, of any depth (the reader is on the property's name).</summary>
    public static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    /// <summary>A string value (the reader is on the property's name).</summary>
    public static Range? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.String ? Token(ref reader) : SkipOther(ref reader);
    }

    /// <summary>A number value (the reader is on the property's name).</summary>
    public static Range? ReadNumber(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Number ? Token(ref reader) : SkipOther(ref reader);
    }

    /// <summary>Whether the value is <c>true</c>; false when absent, null or of another kind (the reader is on the property's name).</summary>
    public static bool ReadBoolean(ref Utf8JsonReader reader)
    {
        reader.Read();
        var value = reader.TokenType == JsonTokenType.True;
        reader.Skip();
        return value;
    }

    /// <summary>
    /// A reference to another object: its id, or the <c>id</c> directly inside it when Stripe expanded it (an
    /// <c>id</c> deeper down belongs to something else). The reader is on the property's name.
    /// </summary>
    public static Range? ReadReference(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.String => Token(ref reader),
            JsonTokenType.StartObject => ReadMember(ref reader, "id"),
            _ => SkipOther(ref reader),
        };
    }

    /// <summary><c>metadata[key]</c> when metadata is an object and the value a string (the reader is on <c>metadata</c>).</summary>
    public static Range? ReadMetadata(ref Utf8JsonReader reader, string key)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.StartObject ? ReadMember(ref reader, key) : SkipOther(ref reader);
    }

    /// <summary>The object's own <c>id</c>; an object without one is not something Stripe sends.</summary>
    public static string RequiredId(ReadOnlySpan<byte> json, Range? id, string objectKind) =>
        String(json, id) is { Length: > 0 } value ? value : throw StripeJson.NoId(objectKind);

    /// <summary>The string at <paramref name="token"/>, unescaped; null when there is none.</summary>
    public static string? String(ReadOnlySpan<byte> json, Range? token)
    {
        if (token is not { } range)
        {
            return null;
        }

        var reader = new Utf8JsonReader(json[range]);
        reader.Read();
        return reader.GetString();
    }

    /// <summary>The string at <paramref name="token"/> when it is not empty (as for <c>metadata[key]</c>).</summary>
    public static string? NonEmptyString(ReadOnlySpan<byte> json, Range? token) =>
        String(json, token) is { Length: > 0 } value ? value : null;

    /// <summary>The Unix-seconds timestamp at <paramref name="token"/>; null when there is none.</summary>
    /// <exception cref="FormatException">The number is not an integer that fits in 64 bits.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The number is outside <see cref="DateTimeOffset"/>'s range.</exception>
    public static DateTimeOffset? UnixTime(ReadOnlySpan<byte> json, Range? token)
    {
        if (token is not { } range)
        {
            return null;
        }

        // The exceptions JsonElement.GetInt64 and FromUnixTimeSeconds threw, so a failure reads as before.
        var reader = new Utf8JsonReader(json[range]);
        reader.Read();
        return DateTimeOffset.FromUnixTimeSeconds(reader.TryGetInt64(out var seconds) ? seconds : throw new FormatException());
    }

    /// <summary>Whether <see cref="UnixTime"/> reads the number at <paramref name="token"/> without failing.</summary>
    public static bool TryUnixSeconds(ReadOnlySpan<byte> json, Range token, out long seconds)
    {
        var reader = new Utf8JsonReader(json[token]);
        reader.Read();
        return reader.TryGetInt64(out seconds) && seconds >= MinUnixSeconds && seconds <= MaxUnixSeconds;
    }

    /// <summary>The string value of <paramref name="name"/> directly in the object the reader is on (its opening brace).</summary>
    private static Range? ReadMember(ref Utf8JsonReader reader, string name)
    {
        Range? value = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name))
            {
                value = ReadString(ref reader);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        return value;
    }

    /// <summary>Where the current token (a string or number) is in the reader's input, quotes included.</summary>
    private static Range Token(ref Utf8JsonReader reader) => new((int)reader.TokenStartIndex, (int)reader.BytesConsumed);

    /// <summary>Skips a value that is not of the kind wanted, which reads as absent.</summary>
    private static Range? SkipOther(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return null;
    }
}
