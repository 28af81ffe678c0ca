using Npgsql;
using StripeWebhooks.Events;
using StripeWebhooks.Outbox;
using StripeWebhooks.Persistence;
using static StripeWebhooks.Persistence.SqlCommands;

namespace StripeWebhooks.Billing;

/// <summary>
/// The SQL behind the entitlement handlers: <c>stripe_subscriptions</c>, <c>stripe_customers</c> and
/// <c>billing_settings</c> (migration 0002). The handlers hand these statements to the processor (<see cref="Processing.IStripeEventWriter"/>), which sends them in the claim's transaction, guarded by the claim.
/// </summary>
/// <remarks>
/// Ordering: a subscription row carries the <c>created</c> time and id of the event that last changed it
/// (the watermark). An event changes the row only when it is newer than the watermark, or exactly as old
/// and not behind it in Stripe's lifecycle (<see cref="LifecycleRank"/>); otherwise it is still claimed
/// (200) but does not change the status. Price, tier, period end and cancel_at_period_end follow a second
/// watermark kept by subscription events alone (the only events that carry them), so an invoice event
/// that is newest for the status never freezes an older price in place.
/// <para>
/// Concurrency: the subscription is written by one <c>INSERT ... ON CONFLICT DO UPDATE</c>, which either
/// inserts or locks the row and compares against its latest committed state (READ COMMITTED), so two
/// events of one subscription apply one after the other and nobody changes the row before COMMIT; each event
/// writes one row version. Rows are always locked customers first, then subscriptions, so two events never
/// wait on each other in opposite orders.
/// </para>
/// </remarks>
internal static class EntitlementStore
{
    // Learned from a checkout session or subscription metadata; an older event never re-links a customer.
    private static readonly string LinkCustomerSql = $"""
        INSERT INTO stripe_customers AS c (customer_id, user_id, last_event_id, last_event_created)
        SELECT $1, $2, $3, $4 WHERE {EventClaimStore.ClaimedByThisTransaction("$3")}
        ON CONFLICT (customer_id) DO UPDATE SET
            user_id = excluded.user_id,
            last_event_id = excluded.last_event_id,
            last_event_created = excluded.last_event_created,
            updated_at = now()
        WHERE c.user_id <> excluded.user_id AND c.last_event_created <= excluded.last_event_created
        RETURNING {EntitlementAnnouncements.MarkChanged("$3")}
        """;

    // The status watermark: this event is newer than the one that last set the status, or of the same second and
    // not behind it in Stripe's lifecycle, and (invoice events) the subscription is in a status it may move from.
    // `s` is the existing row, `excluded` this event's values.
    private static readonly string StatusApplies = $"""
        (s.last_event_id IS DISTINCT FROM excluded.last_event_id
         AND (s.last_event_created IS NULL
              OR excluded.last_event_created > s.last_event_created
              OR (excluded.last_event_created = s.last_event_created AND {LifecycleRank("excluded.status")} >= {LifecycleRank("s.status")}))
         AND (s.status IS NULL OR $11::text[] IS NULL OR s.status = ANY($11)))
        """;

    // The details watermark: only subscription events carry a price, and the newest of them (same second: the
    // later delivery) sets price, tier, period and cancel_at_period_end, whatever invoice events did to the
    // status meanwhile. Price and tier go together: they describe the same item.
    private const string DetailsApply = """
        (excluded.price_id IS NOT NULL
         AND s.last_event_id IS DISTINCT FROM excluded.last_event_id
         AND (s.details_event_created IS NULL OR excluded.details_event_created >= s.details_event_created))
        """;

    // Whether this event changes what the entitlements view shows of the subscription: its status or tier, its user
    // or customer (whose row it is), its period end (which of a user's subscriptions the row shows). Judged against
    // `s`, the version ON CONFLICT locked, never a snapshot: a concurrent event of the subscription applies first.
    private static readonly string EntitlementChanges = $"""
        (({StatusApplies} AND (excluded.status IS DISTINCT FROM s.status
                OR COALESCE(excluded.user_id, s.user_id) IS DISTINCT FROM s.user_id
                OR COALESCE(excluded.customer_id, s.customer_id) IS DISTINCT FROM s.customer_id))
         OR ({DetailsApply} AND (excluded.tier IS DISTINCT FROM s.tier OR COALESCE($7, s.current_period_end) IS DISTINCT FROM s.current_period_end))
         OR (s.customer_id IS NULL AND excluded.customer_id IS NOT NULL)
         OR (s.user_id IS NULL AND excluded.user_id IS NOT NULL))
        """;

    // One statement per event. A new subscription starts from this event's state. An existing one is locked
    // (ON CONFLICT DO UPDATE reads and locks its latest committed version, whatever the snapshot) and each
    // watermark decides its own columns; an event that applies to neither still fills what nobody told us
    // yet: who the subscription belongs to. It affects no row when the event changes nothing.
    // $7 and $8 are null on events that say nothing of them (invoices): the row keeps what it has. entitlement_event_id
    // marks an event that changed the subscription's entitlement; RETURNING tells EntitlementAnnouncements so.
    internal static readonly string UpsertSubscriptionSql = $"""
        INSERT INTO stripe_subscriptions AS s (subscription_id, customer_id, user_id, status, tier, price_id,
            current_period_end, cancel_at_period_end, last_event_id, last_event_created, details_event_created, revision,
            entitlement_event_id)
        SELECT $1, $2, $3, $4, $5, $6, $7, COALESCE($8, FALSE), $9, $10, CASE WHEN $6::text IS NOT NULL THEN $10 END, 1, $9
        WHERE {EventClaimStore.ClaimedByThisTransaction("$9")}
        ON CONFLICT (subscription_id) DO UPDATE SET
            entitlement_event_id = CASE WHEN {EntitlementChanges} THEN excluded.last_event_id ELSE s.entitlement_event_id END,
            customer_id = CASE WHEN {StatusApplies} THEN COALESCE(excluded.customer_id, s.customer_id) ELSE COALESCE(s.customer_id, excluded.customer_id) END,
            user_id = CASE WHEN {StatusApplies} THEN COALESCE(excluded.user_id, s.user_id) ELSE COALESCE(s.user_id, excluded.user_id) END,
            status = CASE WHEN {StatusApplies} THEN excluded.status ELSE s.status END,
            last_event_id = CASE WHEN {StatusApplies} THEN excluded.last_event_id ELSE s.last_event_id END,
            last_event_created = CASE WHEN {StatusApplies} THEN excluded.last_event_created ELSE s.last_event_created END,
            revision = CASE WHEN {StatusApplies} THEN s.revision + 1 ELSE s.revision END,
            tier = CASE WHEN {DetailsApply} THEN excluded.tier ELSE s.tier END,
            price_id = CASE WHEN {DetailsApply} THEN excluded.price_id ELSE s.price_id END,
            current_period_end = CASE WHEN {DetailsApply} THEN COALESCE($7, s.current_period_end) ELSE s.current_period_end END,
            cancel_at_period_end = CASE WHEN {DetailsApply} THEN COALESCE($8, s.cancel_at_period_end) ELSE s.cancel_at_period_end END,
            details_event_created = CASE WHEN {DetailsApply} THEN excluded.details_event_created ELSE s.details_event_created END,
            updated_at = now()
        WHERE {StatusApplies}
           OR {DetailsApply}
           OR (s.customer_id IS NULL AND excluded.customer_id IS NOT NULL)
           OR (s.user_id IS NULL AND excluded.user_id IS NOT NULL)
        RETURNING CASE WHEN s.entitlement_event_id = $9 THEN {EntitlementAnnouncements.MarkChanged("$9")} END
        """;

    // A checkout session names the subscription before, or after, its own events: record it either way (a customer
    // given to the subscription may give it a user: an entitlement change).
    private static readonly string RecordCheckoutSubscriptionSql = $"""
        INSERT INTO stripe_subscriptions AS s (subscription_id, customer_id, entitlement_event_id)
        SELECT $1, $2, $3 WHERE {EventClaimStore.ClaimedByThisTransaction("$3")}
        ON CONFLICT (subscription_id) DO UPDATE SET customer_id = excluded.customer_id,
            entitlement_event_id = excluded.entitlement_event_id, updated_at = now()
        WHERE s.customer_id IS NULL AND excluded.customer_id IS NOT NULL
        RETURNING {EntitlementAnnouncements.MarkChanged("$3")}
        """;

    private const string PublishDefaultTierSql = """
        INSERT INTO billing_settings AS b (singleton, default_tier) VALUES (TRUE, $1)
        ON CONFLICT (singleton) DO UPDATE SET default_tier = excluded.default_tier, updated_at = now()
        WHERE b.default_tier <> excluded.default_tier
        """;

    /// <summary>
    /// Adds the statements that apply <paramref name="change"/> under the watermark rules to <paramref name="batch"/>,
    /// followed by <see cref="EntitlementAnnouncements"/>'s. Returns the after-commit work: <paramref name="notApplied"/>
    /// when the event changed nothing (the row already reflected a newer, or same-second later-stage, event), and the
    /// announcement's.
    /// </summary>
    public static Action AddSubscriptionChange(NpgsqlBatch batch, StripeEvent stripeEvent, SubscriptionChange change, OutboxSignal outbox, Action notApplied)
    {
        if (change is { CustomerId: { } customerId, UserId: { } userId })
        {
            AddCustomerLink(batch, stripeEvent, customerId, userId);
        }

        var upsert = Command(UpsertSubscriptionSql, Text(change.SubscriptionId), Text(change.CustomerId), Text(change.UserId),
            Text(change.Status), Text(change.Tier), Text(change.PriceId), Time(change.CurrentPeriodEnd), Bool(change.CancelAtPeriodEnd),
            Text(stripeEvent.Id), Time(stripeEvent.Created), TextArray(change.OnlyFromStatuses));
        batch.BatchCommands.Add(upsert);
        var announced = EntitlementAnnouncements.Add(batch, stripeEvent, change.UserId, change.CustomerId, change.SubscriptionId, outbox);
        return () =>
        {
            if (upsert.RecordsAffected == 0)
            {
                notApplied();
            }

            announced();
        };
    }

    /// <summary>
    /// Adds the statements that link a checkout session's customer to its app user and record its subscription, followed
    /// by <see cref="EntitlementAnnouncements"/>'s; returns the after-commit work.
    /// </summary>
    public static Action AddCheckoutLink(NpgsqlBatch batch, StripeEvent stripeEvent, CheckoutSessionPayload session, OutboxSignal outbox)
    {
        if (session is { CustomerId: { } customerId, UserId: { } userId })
        {
            AddCustomerLink(batch, stripeEvent, customerId, userId);
        }

        if (session.SubscriptionId is { } subscriptionId)
        {
            batch.BatchCommands.Add(Command(RecordCheckoutSubscriptionSql, Text(subscriptionId), Text(session.CustomerId), Text(stripeEvent.Id)));
        }

        return EntitlementAnnouncements.Add(batch, stripeEvent, session.UserId, session.CustomerId, session.SubscriptionId, outbox);
    }

    private static void AddCustomerLink(NpgsqlBatch batch, StripeEvent stripeEvent, string customerId, string userId) =>
        batch.BatchCommands.Add(Command(LinkCustomerSql, Text(customerId), Text(userId), Text(stripeEvent.Id), Time(stripeEvent.Created)));

    /// <summary>Stores <c>Billing__DefaultTier</c> where the <c>entitlements</c> view reads it (no write when unchanged).</summary>
    public static async Task PublishDefaultTierAsync(NpgsqlDataSource dataSource, string defaultTier, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(PublishDefaultTierSql);
        command.Parameters.Add(Text(defaultTier));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Stripe's lifecycle order, used only to break a tie between two events of the same second (Stripe's
    /// <c>created</c> has one-second resolution and delivery order is not guaranteed). Within one second a
    /// subscription only moves forward: incomplete -> trialing -> active -> past_due/paused -> unpaid ->
    /// canceled/incomplete_expired. The backward moves (a failed payment recovered, a pause resumed) need a
    /// retry or a customer and so come seconds to days later, where the timestamps decide. Equal ranks
    /// (e.g. two same-second updates of an active subscription): the later delivery wins. Unknown statuses
    /// rank lowest, so they never override a known status of the same second.
    /// </summary>
    private static string LifecycleRank(string status) => $"""
        CASE {status} WHEN 'incomplete' THEN 0 WHEN 'trialing' THEN 1 WHEN 'active' THEN 2
            WHEN 'past_due' THEN 3 WHEN 'paused' THEN 3 WHEN 'unpaid' THEN 4
            WHEN 'canceled' THEN 5 WHEN 'incomplete_expired' THEN 5 ELSE -1 END
        """;
}
