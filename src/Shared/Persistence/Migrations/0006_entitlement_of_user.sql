-- One user's row of the entitlements view, looked up by index.
--
-- entitlement.changed reads the view for the few users an event touches. Joined to those users
-- (`LEFT JOIN entitlements e ON e.user_id = u.user_id`), Postgres cannot push the join condition into the view's
-- DISTINCT ON over a UNION ALL, so it computed the whole view on every event: ~80 ms with 50,000 subscriptions,
-- growing with the table. Inside this function `user_id = p_user_id` is a plain restriction, which Postgres pushes
-- into both branches of the view (index scans on stripe_subscriptions.user_id and stripe_customers.user_id).
-- PL/pgSQL, not SQL, so the call is not inlined back into a join. STABLE: it reads with the calling statement's
-- snapshot, which is what the announcement's lock-then-read order relies on. The view stays the one definition.
CREATE FUNCTION stripe_entitlement_of(p_user_id TEXT) RETURNS SETOF entitlements
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY SELECT * FROM entitlements WHERE user_id = p_user_id;
END
$$;
