-- The outbox's safety net (#24): a message dispatched long ago and still not consumed (the queue lost it: a message
-- expires after the queue's time to live, an operator may clear a queue) is dispatched again. The sweep finds those
-- rows, oldest dispatch first, without reading the consumed ones; `webhooks stats` counts them the same way.
CREATE INDEX stripe_outbox_unconsumed_idx ON stripe_outbox (dispatched_at)
    WHERE consumed_at IS NULL AND poisoned_at IS NULL AND dispatched_at IS NOT NULL;
