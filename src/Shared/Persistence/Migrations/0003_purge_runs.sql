-- One row per retention purge run (timer, `webhooks serve` schedule or `webhooks purge`), for `webhooks stats`.
CREATE TABLE purge_runs (
    id          BIGSERIAL   PRIMARY KEY,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    cutoff      TIMESTAMPTZ NOT NULL,
    deleted     BIGINT      NOT NULL
);

CREATE INDEX purge_runs_finished_at_idx ON purge_runs (finished_at);
