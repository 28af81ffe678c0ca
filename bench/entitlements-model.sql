-- The entitlement row the pgbench script upserts: the shape issue 4's stripe_subscriptions takes,
-- in its own schema so it can never collide with the product's migrations.
CREATE SCHEMA IF NOT EXISTS bench;
CREATE TABLE IF NOT EXISTS bench.stripe_subscriptions (
    subscription_id      text PRIMARY KEY,
    customer_id          text,
    user_id              text,
    tier                 text,
    status               text,
    current_period_end   timestamptz,
    cancel_at_period_end bool,
    last_event_id        text,
    last_event_created   timestamptz,
    updated_at           timestamptz
);
