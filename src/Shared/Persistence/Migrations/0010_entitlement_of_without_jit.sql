-- stripe_entitlement_of plans its query (the entitlements view) inside the producer's statements, under their index
-- plans (IndexPlans): the view's read of billing_settings has no condition, so no index, and its sequential scan,
-- costed as disabled, crossed JIT's threshold: JIT compiled the query at every call. JIT off for the function's own
-- statements only, set and restored by Postgres on each call (#22).
ALTER FUNCTION stripe_entitlement_of(TEXT) SET jit = off;
