-- entitlement.changed in one call (#22): the producer sends one statement per event, which calls this only when the
-- event's writes changed an entitlement. No planner setting of its own: bench/README.md, "Index plans".

-- The users an event may touch: the user it names, the users of its subscription and of its customer's subscriptions
-- (by metadata or through stripe_customers), and whoever was last announced with one of those subscriptions (a
-- customer linked to another user takes its subscriptions away from the first). Every branch is an equality on an
-- indexed column. SQL, STABLE and without settings, so Postgres inlines it into the statement that reads it.
CREATE FUNCTION stripe_entitlement_users_touched(p_user_id TEXT, p_customer_id TEXT, p_subscription_id TEXT)
RETURNS SETOF TEXT
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT user_id FROM (
        SELECT p_user_id AS user_id
        UNION ALL SELECT s.user_id FROM stripe_subscriptions s WHERE s.subscription_id = p_subscription_id
        UNION ALL SELECT s.user_id FROM stripe_subscriptions s WHERE s.customer_id = p_customer_id
        UNION ALL SELECT c.user_id FROM stripe_customers c WHERE c.customer_id = p_customer_id
        UNION ALL SELECT c.user_id FROM stripe_subscriptions s JOIN stripe_customers c ON c.customer_id = s.customer_id
                  WHERE s.subscription_id = p_subscription_id
        UNION ALL SELECT a.user_id FROM stripe_entitlement_announcements a WHERE a.stripe_subscription_id = p_subscription_id
        UNION ALL SELECT a.user_id FROM stripe_subscriptions s
                  JOIN stripe_entitlement_announcements a ON a.stripe_subscription_id = s.subscription_id
                  WHERE s.customer_id = p_customer_id
    ) AS named
    WHERE user_id IS NOT NULL
$$;

-- Writes one entitlement.changed message per user whose row of the entitlements view differs from what was last
-- announced to them, and returns how many. Called in the claim's transaction, after the event's writes, and only when
-- they changed an entitlement (the producer's statement checks the mark they set).
-- 1. Locks the announcement row of every user the event may touch (creating it as "default tier, no status" when the
--    user was never announced), in user id order: customers, then subscriptions (the writes), then announcement rows,
--    so every event takes its locks in one order.
-- 2. A new statement, so a new snapshot: it sees this event's writes and those of every transaction that held the
--    locks before. Reads those users' rows of the view (stripe_entitlement_of, one index look-up each), stores them
--    as announced and writes a message for each user whose tier or status changed. Per user the messages chain: each
--    previous is the current of the message before it (its sequence one lower), the last current is the view.
-- The message id is OutboxIds' form: event id, producer, user id.
CREATE FUNCTION stripe_announce_entitlements(p_event_id TEXT, p_user_id TEXT, p_customer_id TEXT,
    p_subscription_id TEXT, p_event_created BIGINT)
RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
    v_default_tier TEXT;
    v_messages INTEGER;
BEGIN
    v_default_tier := COALESCE((SELECT default_tier FROM billing_settings WHERE singleton), 'free');

    -- ON CONFLICT DO UPDATE locks the conflicting row even when its WHERE is false: a lock, and no new row version.
    INSERT INTO stripe_entitlement_announcements AS a (user_id, tier, previous_tier)
    SELECT u.user_id, v_default_tier, v_default_tier
    FROM stripe_entitlement_users_touched(p_user_id, p_customer_id, p_subscription_id) AS u(user_id)
    ORDER BY u.user_id
    ON CONFLICT (user_id) DO UPDATE SET updated_at = a.updated_at WHERE FALSE;

    WITH viewed AS (
        SELECT u.user_id, COALESCE(e.tier, v_default_tier) AS tier, e.status, e.stripe_subscription_id
        FROM stripe_entitlement_users_touched(p_user_id, p_customer_id, p_subscription_id) AS u(user_id)
        LEFT JOIN LATERAL stripe_entitlement_of(u.user_id) e ON TRUE),
    announced AS (
        INSERT INTO stripe_entitlement_announcements AS a (user_id, tier, status, stripe_subscription_id,
            previous_tier, previous_status, sequence, last_event_id)
        SELECT v.user_id, v.tier, v.status, v.stripe_subscription_id, v_default_tier, NULL, 1, p_event_id
        FROM viewed v
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
    SELECT p_event_id || ':entitlement.changed:' || n.user_id, p_event_id, 'entitlement.changed', jsonb_build_object(
        'id', p_event_id || ':entitlement.changed:' || n.user_id,
        'type', 'entitlement.changed',
        'eventId', p_event_id,
        'eventCreated', p_event_created,
        'userId', n.user_id,
        'stripeSubscriptionId', n.stripe_subscription_id,
        'sequence', n.sequence,
        'previous', jsonb_build_object('tier', n.previous_tier, 'status', n.previous_status),
        'current', jsonb_build_object('tier', n.tier, 'status', n.status))
    FROM announced n
    WHERE (n.previous_tier, n.previous_status) IS DISTINCT FROM (n.tier, n.status)
    ON CONFLICT (id) DO NOTHING;

    GET DIAGNOSTICS v_messages = ROW_COUNT;
    RETURN v_messages;
END
$$;

-- Its statements run under the caller's settings again: no setting to apply on every call (migration 0010's reason is gone).
ALTER FUNCTION stripe_entitlement_of(TEXT) RESET jit;
