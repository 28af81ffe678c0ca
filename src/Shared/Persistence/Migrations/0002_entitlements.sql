-- Entitlements: the subscription state the built-in billing handlers keep in step with Stripe, and the
-- view applications read: SELECT tier, status FROM entitlements WHERE user_id = $1.
-- See the README ("Entitlements") for the ordering rules.

-- Stripe customer -> application user, learned from checkout.session.completed (client_reference_id or
-- metadata) or from subscription metadata, whichever arrives first.
CREATE TABLE stripe_customers (
    customer_id        TEXT        PRIMARY KEY,
    user_id            TEXT        NOT NULL,
    -- The event that set user_id: an older event never re-links a customer.
    last_event_id      TEXT        NOT NULL,
    last_event_created TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The view looks users up by app user id.
CREATE INDEX stripe_customers_user_id_idx ON stripe_customers (user_id);

-- One row per Stripe subscription. A row may start from any of its events (a checkout session, an
-- invoice, a subscription event), so everything but the id is nullable until Stripe tells us.
CREATE TABLE stripe_subscriptions (
    subscription_id      TEXT        PRIMARY KEY,
    customer_id          TEXT,
    -- From the subscription's metadata (Billing__UserIdMetadataKey); else the view links through stripe_customers.
    user_id              TEXT,
    -- Billing__Prices__<price_id> of the first item's price.
    tier                 TEXT,
    price_id             TEXT,
    -- Stripe's status: incomplete, incomplete_expired, trialing, active, past_due, canceled, unpaid, paused.
    status               TEXT,
    current_period_end   TIMESTAMPTZ,
    cancel_at_period_end BOOLEAN     NOT NULL DEFAULT FALSE,
    -- Watermark: the event that last changed the status. Older events do not change it.
    last_event_id        TEXT,
    last_event_created   TIMESTAMPTZ,
    -- Second watermark: the newest subscription event (the only kind that carries price, tier, period and
    -- cancel_at_period_end). An invoice event can be the newest for the status and still say nothing of the
    -- price, so an older subscription event that arrives after it must still be able to set the tier.
    details_event_created TIMESTAMPTZ,
    -- Events applied to this row; makes "changed exactly once" observable.
    revision             INTEGER     NOT NULL DEFAULT 0,
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The view's two ways from a user to subscriptions: metadata user id, or customer -> stripe_customers.
CREATE INDEX stripe_subscriptions_user_id_idx ON stripe_subscriptions (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX stripe_subscriptions_customer_id_idx ON stripe_subscriptions (customer_id) WHERE user_id IS NULL;

-- Settings the view needs but cannot read from configuration: one row, written by the app at start-up
-- (BillingSettingsPublisher) from Billing__DefaultTier.
CREATE TABLE billing_settings (
    singleton    BOOLEAN     PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    default_tier TEXT        NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

INSERT INTO billing_settings (default_tier) VALUES ('free');

-- One row per app user, from their most relevant subscription: active, then trialing, then past_due,
-- then the rest; latest period end first. Only active, trialing and past_due (Stripe's grace period)
-- grant the price's tier; any other status (canceled, unpaid, incomplete_expired, and also incomplete:
-- first payment not made, paused: trial ended without a payment method), or a tier not known yet,
-- gets the default tier. The two branches keep "WHERE user_id = $1" on indexes (it is pushed into both).
CREATE VIEW entitlements AS
SELECT DISTINCT ON (linked.user_id)
    linked.user_id,
    CASE
        WHEN linked.status IN ('active', 'trialing', 'past_due') AND linked.tier IS NOT NULL THEN linked.tier
        ELSE COALESCE((SELECT default_tier FROM billing_settings), 'free')
    END AS tier,
    linked.status,
    linked.current_period_end,
    linked.cancel_at_period_end,
    linked.subscription_id AS stripe_subscription_id
FROM (
    SELECT s.user_id, s.subscription_id, s.tier, s.status, s.current_period_end, s.cancel_at_period_end
    FROM stripe_subscriptions s
    WHERE s.user_id IS NOT NULL
    UNION ALL
    SELECT c.user_id, s.subscription_id, s.tier, s.status, s.current_period_end, s.cancel_at_period_end
    FROM stripe_subscriptions s
    JOIN stripe_customers c ON c.customer_id = s.customer_id
    WHERE s.user_id IS NULL
) AS linked
ORDER BY
    linked.user_id,
    CASE linked.status WHEN 'active' THEN 0 WHEN 'trialing' THEN 1 WHEN 'past_due' THEN 2 ELSE 3 END,
    linked.current_period_end DESC NULLS LAST,
    linked.subscription_id;
