using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace StripeWebhooks.Tests.Support;

/// <summary>
/// Reads the spans out of an OTLP <c>ExportTraceServiceRequest</c> (protobuf), as the OTLP/HTTP exporter sends it.
/// </summary>
/// <remarks>
/// Decoded by hand from the protobuf wire format: no package served here carries the OTLP message types
/// (OpenTelemetry.Proto is not served; Google.Protobuf alone has no OTLP schema, and the exporter's own serializer is
/// internal), and the few fields read below are stable parts of opentelemetry-proto's trace/v1 and common/v1.
/// </remarks>
public static class OtlpTraceDecoder
{
    public static IEnumerable<OtlpSpan> Spans(ReadOnlyMemory<byte> exportTraceServiceRequest)
    {
        // ExportTraceServiceRequest.resource_spans = 1 -> ResourceSpans.scope_spans = 2.
        foreach (var resourceSpans in Messages(exportTraceServiceRequest, 1))
        {
            foreach (var scopeSpans in Messages(resourceSpans, 2))
            {
                // ScopeSpans.scope = 1 (InstrumentationScope.name = 1), ScopeSpans.spans = 2.
                var scope = Messages(scopeSpans, 1).Select(s => Text(s, 1)).FirstOrDefault() ?? "";
                foreach (var span in Messages(scopeSpans, 2))
                {
                    yield return ReadSpan(scope, span);
                }
            }
        }
    }

    // Span: trace_id = 1, span_id = 2, parent_span_id = 4, name = 5, kind = 6, attributes = 9.
    private static OtlpSpan ReadSpan(string scope, ReadOnlyMemory<byte> span)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in Messages(span, 9))
        {
            // KeyValue: key = 1, value = 2 (AnyValue: string_value = 1, bool_value = 2, int_value = 3, double_value = 4).
            var value = Messages(keyValue, 2).FirstOrDefault();
            attributes[Text(keyValue, 1) ?? ""] = Fields(value).Select(f => f.Number switch
            {
                1 => Encoding.UTF8.GetString(f.Bytes.Span),
                2 => f.Varint != 0 ? "true" : "false",
                3 => ((long)f.Varint).ToString(CultureInfo.InvariantCulture),
                4 => BitConverter.Int64BitsToDouble((long)f.Varint).ToString(CultureInfo.InvariantCulture),
                _ => "(other)",
            }).FirstOrDefault() ?? "";
        }

        var kind = Fields(span).Where(f => f.Number == 6).Select(f => (int)f.Varint).FirstOrDefault();
        return new OtlpSpan(scope, Hex(span, 1), Hex(span, 2), Hex(span, 4), Text(span, 5) ?? "", kind, attributes);
    }

    private static IEnumerable<ReadOnlyMemory<byte>> Messages(ReadOnlyMemory<byte> message, int number) =>
        Fields(message).Where(f => f.Number == number && f.WireType == 2).Select(f => f.Bytes);

    private static string? Text(ReadOnlyMemory<byte> message, int number) =>
        Messages(message, number).Select(b => Encoding.UTF8.GetString(b.Span)).FirstOrDefault();

    private static string Hex(ReadOnlyMemory<byte> message, int number) =>
        Messages(message, number).Select(b => Convert.ToHexStringLower(b.Span)).FirstOrDefault() ?? "";

    /// <summary>The fields of one message: varints (and fixed64/fixed32 as their bits) in Varint, length-delimited ones in Bytes.</summary>
    private static IEnumerable<(int Number, int WireType, ulong Varint, ReadOnlyMemory<byte> Bytes)> Fields(ReadOnlyMemory<byte> message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message.Span, ref position);
            var (number, wireType) = ((int)(tag >> 3), (int)(tag & 7));
            switch (wireType)
            {
                case 0:
                    yield return (number, wireType, ReadVarint(message.Span, ref position), default);
                    break;
                case 1:
                    yield return (number, wireType, BinaryPrimitives.ReadUInt64LittleEndian(message.Span[position..]), default);
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message.Span, ref position);
                    yield return (number, wireType, 0, message.Slice(position, length));
                    position += length;
                    break;
                case 5:
                    yield return (number, wireType, BinaryPrimitives.ReadUInt32LittleEndian(message.Span[position..]), default);
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"protobuf wire type {wireType} (field {number}) is not one OTLP uses");
            }
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
