-- entitlement.changed costs nothing when nothing changes (#22). The event that last changed what the entitlements
-- view shows of this subscription (status, tier, period end, user or customer), set by the statement that writes the
-- row, judged against the version that statement locked. The producer looks up and announces users only for an
-- event that set it here, or linked a customer (stripe_customers.last_event_id).
ALTER TABLE stripe_subscriptions ADD COLUMN entitlement_event_id TEXT;
