using Npgsql;
using StripeWebhooks.Events;
using StripeWebhooks.Outbox;
using StripeWebhooks.Persistence;
using static StripeWebhooks.Persistence.SqlCommands;

namespace StripeWebhooks.Billing;

/// <summary>
/// The built-in outbox producer: one <c>entitlement.changed</c> message per user whose row of the
/// <c>entitlements</c> view an event changes (tier or status), written in the claim's transaction.
/// </summary>
/// <remarks>
/// Two statements follow the entitlement writers' statements in their batch, so the one-round-trip path stays one round
/// trip; both do nothing past one check unless this event's writes changed an entitlement (<see cref="ChangedByThisEvent"/>). <see cref="LockSql"/> locks the announcement row of every user the event may touch (creating
/// it as "default tier, no status" when the user was never announced), in user id order. Then
/// <see cref="AnnounceSql"/> reads those users' rows of the view, one index look-up each through
/// <c>stripe_entitlement_of</c> (migration 0006: joined directly, the view was computed whole) (a new statement: it sees this event's writes and,
/// since it started after the locks were granted, those of every transaction that held them before), stores them as
/// the announced entitlement and writes a message for each user whose tier or status differs from what was announced
/// last. The announcement row is read and written under its lock, so per user the messages chain: each
/// <c>previous</c> is the <c>current</c> of the message before it (its <c>sequence</c> one lower), and the last
/// <c>current</c> is the view.
/// <para>
/// Lock order: customers, then subscriptions (the writes), then announcement rows. Taking the announcement rows last
/// keeps every event's locks in one order: taken first, an invoice event (whose user is known only once its
/// subscription row is read) and a checkout session of the same subscription deadlocked.
/// </para>
/// <para>
/// The users an event may touch: the user it names, the users of its subscription and of its customer's
/// subscriptions (by metadata or through <c>stripe_customers</c>), and whoever was last announced with one of those
/// subscriptions (a customer linked to another user takes its subscriptions away from the first).
/// </para>
/// </remarks>
internal static class EntitlementAnnouncements
{
    /// <summary>The producer name in outbox ids, and the message type.</summary>
    public const string MessageType = "entitlement.changed";

    // The one check an event that changed nothing pays: its own claim-guarded writes marked the subscription as changed
    // in its entitlement (EntitlementStore), or linked the customer to a user. Decided by the statements that wrote them,
    // against the row versions they locked; read here as one-time filters, so the look-ups below run only when it holds.
    private static readonly string ChangedByThisEvent = $"""
        {EventClaimStore.ClaimedByThisTransaction("$1")}
        AND (EXISTS (SELECT 1 FROM stripe_subscriptions WHERE subscription_id = $4::text AND entitlement_event_id = $1)
             OR EXISTS (SELECT 1 FROM stripe_customers WHERE customer_id = $3::text AND last_event_id = $1))
        """;

    // $1 event id, $2 the user the event names, $3 its customer, $4 its subscription. Every branch is an equality on an
    // indexed column (or a join driven by one), so its plan is index look-ups whatever the statistics.
    private static readonly string AffectedUsers = $"""
        users AS (
            SELECT DISTINCT user_id FROM (
                SELECT $2::text AS user_id
                UNION ALL SELECT s.user_id FROM stripe_subscriptions s WHERE s.subscription_id = $4::text
                UNION ALL SELECT s.user_id FROM stripe_subscriptions s WHERE s.customer_id = $3::text
                UNION ALL SELECT c.user_id FROM stripe_customers c WHERE c.customer_id = $3::text
                UNION ALL SELECT c.user_id FROM stripe_subscriptions s JOIN stripe_customers c ON c.customer_id = s.customer_id WHERE s.subscription_id = $4::text
                UNION ALL SELECT a.user_id FROM stripe_entitlement_announcements a WHERE a.stripe_subscription_id = $4::text
                UNION ALL SELECT a.user_id FROM stripe_subscriptions s JOIN stripe_entitlement_announcements a ON a.stripe_subscription_id = s.subscription_id WHERE s.customer_id = $3::text
            ) AS named
            WHERE user_id IS NOT NULL AND {ChangedByThisEvent}),
        defaults AS (SELECT COALESCE((SELECT default_tier FROM billing_settings WHERE singleton), 'free') AS default_tier)
        """;

    // ON CONFLICT DO UPDATE locks the conflicting row even when its WHERE is false: a lock, and no new row version.
    internal static readonly string LockSql = $"""
        WITH {AffectedUsers}
        INSERT INTO stripe_entitlement_announcements AS a (user_id, tier, previous_tier)
        SELECT u.user_id, d.default_tier, d.default_tier FROM users u CROSS JOIN defaults d
        ORDER BY u.user_id
        ON CONFLICT (user_id) DO UPDATE SET updated_at = a.updated_at WHERE FALSE
        """;

    // $5 the event's created (Unix seconds). Affects one row per message written.
    internal static readonly string AnnounceSql = $"""
        WITH {AffectedUsers},
        viewed AS (
            SELECT u.user_id, COALESCE(e.tier, d.default_tier) AS tier, e.status, e.stripe_subscription_id
            FROM users u CROSS JOIN defaults d LEFT JOIN LATERAL stripe_entitlement_of(u.user_id) e ON TRUE),
        announced AS (
            INSERT INTO stripe_entitlement_announcements AS a (user_id, tier, status, stripe_subscription_id,
                previous_tier, previous_status, sequence, last_event_id)
            SELECT v.user_id, v.tier, v.status, v.stripe_subscription_id, d.default_tier, NULL, 1, $1
            FROM viewed v CROSS JOIN defaults d
            ON CONFLICT (user_id) DO UPDATE SET
                previous_tier = a.tier,
                previous_status = a.status,
                tier = excluded.tier,
                status = excluded.status,
                stripe_subscription_id = excluded.stripe_subscription_id,
                sequence = a.sequence + 1,
                last_event_id = excluded.last_event_id,
                updated_at = now()
            WHERE (a.tier, a.status) IS DISTINCT FROM (excluded.tier, excluded.status)
            RETURNING a.user_id, a.tier, a.status, a.stripe_subscription_id, a.previous_tier, a.previous_status, a.sequence)
        INSERT INTO stripe_outbox (id, event_id, type, payload)
        SELECT {OutboxIds.Sql("$1", $"'{MessageType}'", "n.user_id")}, $1, '{MessageType}', jsonb_build_object(
            'id', {OutboxIds.Sql("$1", $"'{MessageType}'", "n.user_id")},
            'type', '{MessageType}',
            'eventId', $1,
            'eventCreated', $5::bigint,
            'userId', n.user_id,
            'stripeSubscriptionId', n.stripe_subscription_id,
            'sequence', n.sequence,
            'previous', jsonb_build_object('tier', n.previous_tier, 'status', n.previous_status),
            'current', jsonb_build_object('tier', n.tier, 'status', n.status))
        FROM announced n
        WHERE (n.previous_tier, n.previous_status) IS DISTINCT FROM (n.tier, n.status)
        ON CONFLICT (id) DO NOTHING
        """;

    /// <summary>
    /// Adds, after the event's writes: the lock on the announcement rows of the users the event may touch, then the
    /// statement that writes the messages, both planned with <see cref="IndexPlans"/> (bench/README.md, "Index plans"),
    /// restored after them. Returns the after-commit work: wake the outbox dispatcher if messages were written.
    /// </summary>
    public static Action Add(NpgsqlBatch batch, StripeEvent stripeEvent, string? userId, string? customerId, string? subscriptionId, OutboxSignal outbox)
    {
        var announce = Command(AnnounceSql, Text(stripeEvent.Id), Text(userId), Text(customerId), Text(subscriptionId),
            Long(stripeEvent.Created.ToUnixTimeSeconds()));
        batch.BatchCommands.Add(Command(IndexPlans.BeginSql));
        batch.BatchCommands.Add(Command(LockSql, Text(stripeEvent.Id), Text(userId), Text(customerId), Text(subscriptionId)));
        batch.BatchCommands.Add(announce);
        batch.BatchCommands.Add(Command(IndexPlans.EndSql));
        return () =>
        {
            if (announce.RecordsAffected > 0)
            {
                outbox.Notify();
            }
        };
    }
}
