using System.Text.Json;

namespace StripeWebhooks.Billing;

/// <summary>The fields of a Stripe subscription (<c>customer.subscription.*</c>'s <c>data.object</c>) that entitlements use.</summary>
/// <param name="Id">Subscription id (<c>sub_...</c>).</param>
/// <param name="CustomerId">Customer id, also when Stripe expanded the customer.</param>
/// <param name="UserId">App user id from <c>metadata[Billing__UserIdMetadataKey]</c>, when present.</param>
/// <param name="Status">Stripe's status (see <see cref="SubscriptionStatus"/>).</param>
/// <param name="PriceId">The first item's price.</param>
/// <param name="CurrentPeriodEnd">End of the paid period, from either API shape.</param>
/// <param name="CancelAtPeriodEnd">Whether the subscription ends at <paramref name="CurrentPeriodEnd"/>.</param>
public sealed record SubscriptionPayload(
    string Id,
    string? CustomerId,
    string? UserId,
    string? Status,
    string? PriceId,
    DateTimeOffset? CurrentPeriodEnd,
    bool CancelAtPeriodEnd)
{
    /// <summary>Reads a subscription object in either API shape.</summary>
    /// <remarks>
    /// Since <c>2025-03-31.basil</c> the period end lives on each item (<c>items.data[].current_period_end</c>);
    /// earlier versions have it on the subscription. The later of the items' ends is the subscription's.
    /// <para>
    /// Every <c>customer.subscription.updated</c> comes through here, so this reads forward only instead of
    /// building a <see cref="JsonDocument"/> of the whole subscription (most of it prices and plans nobody reads).
    /// The pass notes where each field is; the rules below it then decode them in the order the document-based
    /// reader did, so a repeated property still reads as its last occurrence and a bad value fails the same way.
    /// </para>
    /// </remarks>
    /// <exception cref="InvalidDataException"><paramref name="dataObject"/> is not a subscription object.</exception>
    public static SubscriptionPayload Read(ReadOnlyMemory<byte> dataObject, string userIdMetadataKey)
    {
        var json = dataObject.Span;
        var reader = StripeJsonReader.Open(json, "subscription");
        Range? id = null, customer = null, userId = null, status = null, plan = null, periodEnd = null;
        var cancelAtPeriodEnd = false;
        var items = default(Items);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                id = StripeJsonReader.ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("customer"u8))
            {
                customer = StripeJsonReader.ReadReference(ref reader);
            }
            else if (reader.ValueTextEquals("metadata"u8))
            {
                userId = StripeJsonReader.ReadMetadata(ref reader, userIdMetadataKey);
            }
            else if (reader.ValueTextEquals("status"u8))
            {
                status = StripeJsonReader.ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("cancel_at_period_end"u8))
            {
                cancelAtPeriodEnd = StripeJsonReader.ReadBoolean(ref reader);
            }
            else if (reader.ValueTextEquals("current_period_end"u8))
            {
                periodEnd = StripeJsonReader.ReadNumber(ref reader);
            }
            else if (reader.ValueTextEquals("plan"u8))
            {
                plan = StripeJsonReader.ReadReference(ref reader);
            }
            else if (reader.ValueTextEquals("items"u8))
            {
                items = ReadItems(ref reader, json);
            }
            else
            {
                StripeJsonReader.SkipValue(ref reader);
            }
        }

        StripeJsonReader.Finish(ref reader);

        var end = StripeJsonReader.UnixTime(json, periodEnd) ?? items.PeriodEnd(json);
        var priceId = StripeJsonReader.String(json, items.FirstPrice)
            ?? StripeJsonReader.String(json, items.FirstPlan)
            ?? StripeJsonReader.String(json, plan);

        return new SubscriptionPayload(
            StripeJsonReader.RequiredId(json, id, "subscription"),
            StripeJsonReader.String(json, customer),
            StripeJsonReader.NonEmptyString(json, userId),
            StripeJsonReader.String(json, status),
            priceId,
            end,
            cancelAtPeriodEnd);
    }

    /// <summary><c>items</c>, a list object (the reader is on its property name).</summary>
    private static Items ReadItems(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        var items = default(Items);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return items;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("data"u8))
            {
                StripeJsonReader.SkipValue(ref reader);
                continue;
            }

            items = default;
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }

            for (var first = true; reader.Read() && reader.TokenType != JsonTokenType.EndArray; first = false)
            {
                ReadItem(ref reader, json, ref items, first);
            }
        }

        return items;
    }

    /// <summary>One element of <c>items.data</c> (the reader is on its first token); only the first one's price counts.</summary>
    private static void ReadItem(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ref Items items, bool first)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        Range? periodEnd = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("current_period_end"u8))
            {
                periodEnd = StripeJsonReader.ReadNumber(ref reader);
            }
            else if (first && reader.ValueTextEquals("price"u8))
            {
                items.FirstPrice = StripeJsonReader.ReadReference(ref reader);
            }
            else if (first && reader.ValueTextEquals("plan"u8))
            {
                items.FirstPlan = StripeJsonReader.ReadReference(ref reader);
            }
            else
            {
                StripeJsonReader.SkipValue(ref reader);
            }
        }

        items.AddPeriodEnd(json, periodEnd);
    }

    /// <summary>What <c>items.data</c> gives: the first item's price and plan, and the latest of the items' period ends.</summary>
    private struct Items
    {
        private long? _latestEnd;
        private Range? _firstUnreadableEnd;

        public Range? FirstPrice { get; set; }

        public Range? FirstPlan { get; set; }

        /// <summary>Takes one item's <c>current_period_end</c> (null when it has none) into the maximum.</summary>
        /// <remarks>
        /// The maximum over the items is taken only when the subscription has no end of its own, and it stops at
        /// the first end that is no Unix time (a fraction, out of range): that one is kept for <see cref="PeriodEnd"/>
        /// to fail on then, and never before.
        /// </remarks>
        public void AddPeriodEnd(ReadOnlySpan<byte> json, Range? end)
        {
            if (end is not { } token || _firstUnreadableEnd is not null)
            {
                return;
            }

            if (StripeJsonReader.TryUnixSeconds(json, token, out var seconds))
            {
                _latestEnd = Math.Max(_latestEnd ?? seconds, seconds);
            }
            else
            {
                _firstUnreadableEnd = end;
            }
        }

        /// <summary>The latest of the items' period ends; null when no item has one.</summary>
        public readonly DateTimeOffset? PeriodEnd(ReadOnlySpan<byte> json) =>
            _firstUnreadableEnd is not null ? StripeJsonReader.UnixTime(json, _firstUnreadableEnd)
            : _latestEnd is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
    }
}
