using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using StripeWebhooks.Billing;
using StripeWebhooks.Development;

namespace StripeWebhooks.Bench;

/// <summary>
/// One serialised Stripe event of a given type, built once from <see cref="SampleEvents"/> with marker
/// values, so each delivery costs a copy and a few in-place writes instead of a JSON build.
/// </summary>
/// <remarks>
/// The markers have the exact lengths of the values written over them (event id, subscription id,
/// customer id, <c>created</c>), so the body's length and shape never change.
/// </remarks>
internal sealed class EventTemplate
{
    /// <summary>Characters after <c>evt_</c>, <c>sub_</c>, <c>cus_</c>: as long as Stripe's own ids.</summary>
    public const int IdLength = 24;

    private const string EventMarker = "QEVENTIDQQQQQQQQQQQQQQQQ";
    private const string SubscriptionMarker = "QSUBSCRIPTIONQQQQQQQQQQQ";
    private const string CustomerMarker = "QCUSTOMERQQQQQQQQQQQQQQQ";
    private const long CreatedMarker = 1111111111;

    private readonly byte[] _body;
    private readonly int[] _eventOffsets;
    private readonly int[] _subscriptionOffsets;
    private readonly int[] _customerOffsets;
    private readonly int[] _createdOffsets;

    private EventTemplate(string type, byte[] body)
    {
        Type = type;
        _body = body;
        _eventOffsets = Find(body, EventMarker);
        _subscriptionOffsets = Find(body, SubscriptionMarker);
        _customerOffsets = Find(body, CustomerMarker);
        _createdOffsets = Find(body, CreatedMarker.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (_eventOffsets.Length == 0 || _createdOffsets.Length != 1)
        {
            throw new InvalidOperationException($"Template {type}: markers not found where expected.");
        }
    }

    public string Type { get; }

    public int Length => _body.Length;

    /// <summary>
    /// Builds the template for <paramref name="type"/>: Stripe's sample object with the fields the
    /// entitlement handlers read set explicitly (status active, a configured price, a current period).
    /// With <paramref name="withUser"/>, a subscription also names its app user in its metadata
    /// (<c>user_id</c>: <c>user_</c> and the subscription's number), so its changes write <c>entitlement.changed</c>.
    /// </summary>
    public static EventTemplate Create(string type, string priceId, long periodStart, bool withUser = false)
    {
        var stripeEvent = SampleEvents.Build(type, "evt_" + EventMarker, periodStart,
            subscriptionId: "sub_" + SubscriptionMarker, customerId: "cus_" + CustomerMarker, priceId: priceId);
        if (withUser && type.StartsWith("customer.subscription.", StringComparison.Ordinal)
            && stripeEvent["data"]!["object"]!["metadata"] is JsonObject metadata)
        {
            // The subscription marker: Render writes the subscription's number here too, one user per subscription.
            metadata[BillingOptions.DefaultUserIdMetadataKey] = "user_" + SubscriptionMarker;
        }

        // Only the envelope's created moves between deliveries: it is the watermark handlers compare.
        stripeEvent["created"] = CreatedMarker;
        return new EventTemplate(type, SampleEvents.ToBytes(stripeEvent));
    }

    /// <summary>
    /// Writes one event's body into <paramref name="destination"/> (<see cref="Length"/> bytes): ids are the
    /// 6-character <paramref name="tag"/> followed by the number in 18 digits, so no string is built.
    /// </summary>
    public void Render(Span<byte> destination, ReadOnlySpan<byte> tag, long eventNumber, long subscriptionNumber, long created)
    {
        _body.CopyTo(destination);
        Span<byte> id = stackalloc byte[IdLength];
        WriteId(id, tag, eventNumber);
        Write(destination, _eventOffsets, id);
        "bench"u8.CopyTo(id);
        WriteDigits(id[5..], subscriptionNumber);
        Write(destination, _subscriptionOffsets, id);
        Write(destination, _customerOffsets, id);
        foreach (var offset in _createdOffsets)
        {
            if (!Utf8Formatter.TryFormat(created, destination.Slice(offset, 10), out var written) || written != 10)
            {
                throw new ArgumentOutOfRangeException(nameof(created), created, "created must have 10 digits.");
            }
        }
    }

    /// <summary>The id characters after <c>evt_</c>: the tag, then the number in 18 digits.</summary>
    public static void WriteId(Span<byte> destination, ReadOnlySpan<byte> tag, long number)
    {
        tag.CopyTo(destination);
        WriteDigits(destination[tag.Length..IdLength], number);
    }

    private static void WriteDigits(Span<byte> destination, long number)
    {
        for (var i = destination.Length - 1; i >= 0; i--, number /= 10)
        {
            destination[i] = (byte)('0' + (number % 10));
        }
    }

    private static void Write(Span<byte> body, int[] offsets, ReadOnlySpan<byte> value)
    {
        foreach (var offset in offsets)
        {
            value.CopyTo(body.Slice(offset, IdLength));
        }
    }

    private static int[] Find(byte[] body, string marker)
    {
        var needle = Encoding.ASCII.GetBytes(marker);
        var offsets = new List<int>();
        for (var start = 0; ;)
        {
            var found = body.AsSpan(start).IndexOf(needle);
            if (found < 0)
            {
                return [.. offsets];
            }

            offsets.Add(start + found);
            start += found + needle.Length;
        }
    }
}
