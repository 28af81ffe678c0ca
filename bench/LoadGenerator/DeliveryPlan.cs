using System.Globalization;
using System.Text;
using StripeWebhooks.Signatures;

namespace StripeWebhooks.Bench;

/// <summary>
/// The deliveries of one run, in sending order: mostly ~4 KB <c>customer.subscription.updated</c> events,
/// some types no handler reads, and a share of events delivered a second time, later in the run.
/// </summary>
internal sealed class DeliveryPlan
{
    /// <summary>The price the subscription events carry; bench/run maps it to a tier (Billing__Prices__...).</summary>
    public const string PriceId = "price_bench_pro";

    /// <summary>The other price, of another tier, for the phases that change tiers (<see cref="SubscriptionSet"/>).</summary>
    public const string SecondPriceId = "price_bench_team";

    private const string SubscriptionType = "customer.subscription.updated";

    /// <summary>How many subscriptions the load's events spread over, unless <c>--subscriptions</c> says otherwise.</summary>
    public const int DefaultSubscriptions = 2_000;

    // Most deliveries a real account receives are subscription changes; the rest are types we only acknowledge.
    private static readonly (string Type, int Weight)[] Mix =
    [
        ("customer.subscription.updated", 80),
        ("invoice.created", 5),
        ("invoice.finalized", 5),
        ("payment_intent.succeeded", 5),
        ("charge.succeeded", 5),
    ];

    // A second delivery arrives up to this many deliveries after the first: mostly later, now and then while
    // the first is still in flight (Stripe promises neither order nor one delivery at a time).
    private const int MaxRedeliveryGap = 1000;

    private readonly Dictionary<string, EventTemplate> _templates;
    private readonly EventTemplate? _secondPriceTemplate;
    private readonly byte[] _secret;
    private readonly byte[] _requestHead;
    private readonly Random _random;
    private readonly string _runTag;
    private readonly byte[] _runTagBytes;
    private readonly int _subscriptions;
    private readonly long _firstCreated;
    private int _nextIndex;

    /// <param name="withUsers">Subscription events name a user (see <see cref="EventTemplate.Create"/>), and may carry
    /// <see cref="SecondPriceId"/>: what <c>bench/run tiers</c> sends.</param>
    public DeliveryPlan(Uri endpoint, string secret, int subscriptions, int seed, bool withUsers = false)
    {
        _random = new Random(seed);
        _runTag = RunTag(Random.Shared);
        _runTagBytes = Encoding.ASCII.GetBytes(_runTag);
        _secret = Encoding.UTF8.GetBytes(secret);
        _subscriptions = subscriptions;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        _firstCreated = now - 86_400;
        _templates = Mix.ToDictionary(m => m.Type, m => EventTemplate.Create(m.Type, PriceId, now - (10 * 86_400), withUsers));
        _secondPriceTemplate = withUsers ? EventTemplate.Create(SubscriptionType, SecondPriceId, now - (10 * 86_400), withUser: true) : null;
        _requestHead = Encoding.ASCII.GetBytes(
            $"POST {endpoint.PathAndQuery} HTTP/1.1\r\nHost: {endpoint.Authority}\r\n" +
            "User-Agent: Stripe/1.0 (+https://stripe.com/docs/webhooks)\r\nAccept: */*; q=0.5, application/xml\r\n" +
            "Cache-Control: no-cache\r\nContent-Type: application/json; charset=utf-8\r\n");
    }

    /// <summary>Prefix of every event id in this plan: the claim check counts exactly these.</summary>
    public string EventIdPrefix => "evt_" + _runTag;

    /// <summary>The id of event <paramref name="number"/> of this plan.</summary>
    public string EventId(long number)
    {
        Span<byte> id = stackalloc byte[EventTemplate.IdLength];
        EventTemplate.WriteId(id, _runTagBytes, number);
        return "evt_" + Encoding.ASCII.GetString(id);
    }

    /// <summary>Size of a subscription event body, for the report.</summary>
    public int SubscriptionEventBytes => _templates[SubscriptionType].Length;

    /// <summary>
    /// Yields <paramref name="events"/> distinct events (null: until the caller stops), of which exactly
    /// <paramref name="redeliveredShare"/> are delivered twice; each delivery is signed when it is built.
    /// Subscription events name <paramref name="subscriptions"/> (null: any of the plan's, on the first price).
    /// </summary>
    public IEnumerable<Delivery> Deliveries(int? events, double redeliveredShare, SubscriptionSet? subscriptions = null)
    {
        var pending = new PriorityQueue<Delivery, long>();
        var redeliveriesLeft = events is { } n ? (int)Math.Round(n * redeliveredShare) : 0;
        long position = 0;
        var end = events is { } limit ? _nextIndex + limit : int.MaxValue;
        for (var index = _nextIndex; index < end || pending.Count > 0; position++)
        {
            if (pending.TryPeek(out var first, out var duePosition) && (duePosition <= position || index >= end))
            {
                pending.Dequeue();
                yield return Sign(first.Body, first.EventNumber, redelivery: true);
                continue;
            }

            var delivery = Build(index, subscriptions);
            var redeliver = events is not null
                ? _random.Next(end - index) < redeliveriesLeft
                : _random.NextDouble() < redeliveredShare;
            if (redeliver)
            {
                redeliveriesLeft--;
                pending.Enqueue(delivery, position + 1 + _random.Next(MaxRedeliveryGap));
            }

            _nextIndex = ++index;
            yield return delivery;
        }
    }

    /// <summary>
    /// One <c>customer.subscription.updated</c> on the first price for each subscription of <paramref name="subscriptions"/>,
    /// in order, none delivered twice: gives every user their first entitlement before a measurement.
    /// </summary>
    public IEnumerable<Delivery> Priming(SubscriptionSet subscriptions)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        for (var i = 0; i < subscriptions.Count; i++)
        {
            var index = _nextIndex++;
            yield return Build(index, _templates[SubscriptionType], subscriptions.First + i);
        }
    }

    private EventTemplate PickTemplate()
    {
        var roll = _random.Next(100);
        foreach (var (type, weight) in Mix)
        {
            if (roll < weight)
            {
                return _templates[type];
            }

            roll -= weight;
        }

        return _templates[Mix[^1].Type];
    }

    /// <summary>A first delivery of a template picked by <see cref="Mix"/>, naming a subscription of the set.</summary>
    private Delivery Build(int index, SubscriptionSet? subscriptions)
    {
        var template = PickTemplate();
        if (subscriptions is null)
        {
            return Build(index, template, _random.Next(_subscriptions));
        }

        var subscription = subscriptions.First + _random.Next(subscriptions.Count);
        if (template.Type == SubscriptionType && subscriptions.SecondPriceShare > 0 && _random.NextDouble() < subscriptions.SecondPriceShare)
        {
            template = _secondPriceTemplate ?? throw new InvalidOperationException("A second price needs a plan built with users.");
        }

        return Build(index, template, subscription);
    }

    /// <summary>A first delivery: the body is rendered straight into the request, then signed there.</summary>
    private Delivery Build(int index, EventTemplate template, int subscription)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var headers = Headers(timestamp, template.Length);
        var request = new byte[_requestHead.Length + headers + template.Length];
        var bodyOffset = _requestHead.Length + headers;
        template.Render(request.AsSpan(bodyOffset), _runTagBytes, index, subscription, _firstCreated + index);
        WriteHead(request, timestamp, headers);
        return new Delivery(request, bodyOffset, index, Redelivery: false);
    }

    /// <summary>Stripe signs every delivery afresh with that attempt's timestamp.</summary>
    private Delivery Sign(ReadOnlySpan<byte> body, long eventNumber, bool redelivery)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var headers = Headers(timestamp, body.Length);
        var request = new byte[_requestHead.Length + headers + body.Length];
        var bodyOffset = _requestHead.Length + headers;
        body.CopyTo(request.AsSpan(bodyOffset));
        WriteHead(request, timestamp, headers);
        return new Delivery(request, bodyOffset, eventNumber, redelivery);
    }

    private static int Headers(long timestamp, int bodyLength) =>
        Encoding.ASCII.GetByteCount(HeaderText(timestamp, new string('0', StripeSignature.HexLength), bodyLength));

    private static string HeaderText(long timestamp, string signature, int bodyLength) =>
        string.Create(CultureInfo.InvariantCulture, $"Stripe-Signature: t={timestamp},v1={signature}\r\nContent-Length: {bodyLength}\r\n\r\n");

    /// <summary>Request line, fixed headers, then the signature over the body already in place.</summary>
    private void WriteHead(byte[] request, long timestamp, int headers)
    {
        var bodyOffset = _requestHead.Length + headers;
        Span<byte> signature = stackalloc byte[StripeSignature.HexLength];
        StripeSignature.ComputeV1(_secret, timestamp, request.AsSpan(bodyOffset), signature);
        _requestHead.CopyTo(request, 0);
        Encoding.ASCII.GetBytes(HeaderText(timestamp, Encoding.ASCII.GetString(signature), request.Length - bodyOffset), request.AsSpan(_requestHead.Length, headers));
    }

    private static string RunTag(Random random)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        return string.Create(6, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[r.Next(alphabet.Length)];
            }
        });
    }
}
