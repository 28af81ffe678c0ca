-- One row per reconciliation run against Stripe's Events API (timer, `webhooks serve` schedule or `webhooks reconcile`).
-- The next run starts from the window_to of the last successful run (minus the overlap), or from retry_from when
-- that is earlier: the oldest event the run left failed but not parked, which only the reconciler will retry.
CREATE TABLE stripe_reconcile_runs (
    id              BIGSERIAL   PRIMARY KEY,
    started_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at     TIMESTAMPTZ,
    window_from     TIMESTAMPTZ NOT NULL,
    window_to       TIMESTAMPTZ NOT NULL,
    clamped_by      TEXT,
    listed          INTEGER     NOT NULL DEFAULT 0,
    applied         INTEGER     NOT NULL DEFAULT 0,
    already_claimed INTEGER     NOT NULL DEFAULT 0,
    failed          INTEGER     NOT NULL DEFAULT 0,
    retry_from      TIMESTAMPTZ,
    succeeded       BOOLEAN     NOT NULL DEFAULT false,
    error           TEXT
);

-- The cursor: the last successful run.
CREATE INDEX stripe_reconcile_runs_succeeded_idx ON stripe_reconcile_runs (id) WHERE succeeded;
