-- Claims: one row per Stripe event whose side effects were committed (or that was parked).
-- processed_at drives retention; event_id is the dedup key Stripe guarantees unique.
CREATE TABLE processed_stripe_events (
    event_id      TEXT        PRIMARY KEY,
    processed_at  TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    event_type    TEXT        NOT NULL,
    event_created TIMESTAMPTZ,
    livemode      BOOLEAN     NOT NULL DEFAULT FALSE,
    -- 'processed', or 'failed_permanent' when parked after Webhooks__MaxAttempts failures.
    outcome       TEXT        NOT NULL DEFAULT 'processed'
);

CREATE INDEX processed_stripe_events_processed_at_idx ON processed_stripe_events (processed_at);

-- Failure ledger: written in its own transaction, so it survives the rollback of the attempt.
CREATE TABLE stripe_event_failures (
    event_id        TEXT        PRIMARY KEY,
    event_type      TEXT        NOT NULL,
    attempts        INTEGER     NOT NULL DEFAULT 0,
    last_error      TEXT        NOT NULL,
    first_failed_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    last_failed_at  TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    resolved_at     TIMESTAMPTZ,
    -- Raw body of a failed event, kept for replay; cleared when the failure is resolved.
    payload         BYTEA
);

CREATE INDEX stripe_event_failures_unresolved_idx ON stripe_event_failures (last_failed_at) WHERE resolved_at IS NULL;
