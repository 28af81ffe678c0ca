-- Transactional outbox: messages for side effects outside the database (e-mail, CRM, quota services), written
-- in the claim's transaction and delivered after commit to an Azure Storage queue (or, with no queue, to the
-- in-process consumers). See the README ("Side effects outside the database").
CREATE TABLE stripe_outbox (
    -- Deterministic from the event id, the producer and its key ("evt_1:entitlement.changed:user_42"): a replay
    -- or redelivery of the event cannot add a second row.
    id            TEXT        PRIMARY KEY,
    event_id      TEXT        NOT NULL,
    type          TEXT        NOT NULL,
    -- The message body exactly as the queue carries it (it repeats id, type and eventId).
    payload       JSONB       NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- NULL until the queue (or the in-process consumers, when serve runs without one) accepted the message.
    dispatched_at TIMESTAMPTZ,
    -- Set by a consumer once every handler of the message has applied it.
    consumed_at   TIMESTAMPTZ,
    -- Failed consumptions (the queue's dequeue count as last seen), the last error, and when the message was
    -- given up on (moved to the poison queue): what `webhooks outbox` shows an operator.
    attempts      INTEGER     NOT NULL DEFAULT 0,
    last_error    TEXT,
    poisoned_at   TIMESTAMPTZ
);

-- The dispatcher and the sweep read only what is not dispatched yet, oldest first.
CREATE INDEX stripe_outbox_undispatched_idx ON stripe_outbox (created_at) WHERE dispatched_at IS NULL;
-- The retention purge.
CREATE INDEX stripe_outbox_created_at_idx ON stripe_outbox (created_at);
CREATE INDEX stripe_outbox_poisoned_idx ON stripe_outbox (poisoned_at) WHERE poisoned_at IS NOT NULL;

-- One row per (message, handler) a consumer applied, written in the handler's own transaction: a message the
-- queue delivers twice is applied once by every handler whose effect is in Postgres.
CREATE TABLE stripe_outbox_receipts (
    message_id  TEXT        NOT NULL,
    handler     TEXT        NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (message_id, handler)
);

CREATE INDEX stripe_outbox_receipts_received_at_idx ON stripe_outbox_receipts (received_at);

-- The entitlement each user was last announced with (entitlement.changed). Its row is locked while an event
-- changes the user's entitlement, so the messages of one user chain: each one's previous is the current of the
-- one before, in `sequence` order. A user with no row was never announced: default tier, no status.
CREATE TABLE stripe_entitlement_announcements (
    user_id                TEXT        PRIMARY KEY,
    tier                   TEXT        NOT NULL,
    status                 TEXT,
    stripe_subscription_id TEXT,
    previous_tier          TEXT        NOT NULL,
    previous_status        TEXT,
    sequence               BIGINT      NOT NULL DEFAULT 0,
    last_event_id          TEXT,
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX stripe_entitlement_announcements_subscription_idx ON stripe_entitlement_announcements (stripe_subscription_id);

-- entitlement.changed finds the users of a customer's subscriptions whatever their user_id (the index of 0002
-- covers only the rows without one).
CREATE INDEX stripe_subscriptions_customer_all_idx ON stripe_subscriptions (customer_id);
