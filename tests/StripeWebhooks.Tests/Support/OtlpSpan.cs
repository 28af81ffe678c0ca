namespace StripeWebhooks.Tests.Support;

/// <summary>One span as an OTLP/HTTP export carried it (ids in lower-case hex; an empty parent for a root).</summary>
public sealed record OtlpSpan(
    string Scope,
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    int Kind,
    IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>OTLP's <c>SPAN_KIND_SERVER</c>.</summary>
    public const int ServerKind = 2;
}
