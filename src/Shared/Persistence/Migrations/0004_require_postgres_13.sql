-- The built-in handlers' statements recognise the transaction that claimed an event with
-- pg_current_xact_id_if_assigned() (EventClaimStore.ClaimedByThisTransaction), which PostgreSQL 13 added.
-- Refuse an older server here, once and clearly, rather than fail every subscription event later.
DO $$
BEGIN
    IF current_setting('server_version_num')::int < 130000 THEN
        RAISE EXCEPTION 'PostgreSQL 13 or later is required; this server is %', current_setting('server_version');
    END IF;
END
$$;
