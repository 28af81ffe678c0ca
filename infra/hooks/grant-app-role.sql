-- Gives the function app's database role DML on the application tables and nothing more:
-- no CREATE, no ownership, no TRUNCATE. Schema changes happen only through `webhooks migrate`,
-- run at deploy time as the Entra administrator (the postprovision hook).
-- Run as that same administrator, connected to the application database:
--   psql "host=<server>.postgres.database.azure.com dbname=webhooks user=<admin UPN> sslmode=require" \
--        -v ON_ERROR_STOP=1 -v app_role=<identity name> -f infra/hooks/grant-app-role.sql
-- Idempotent; the hook re-runs it after every migration.
GRANT USAGE ON SCHEMA public TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";
-- Tables and sequences the administrator creates in later migrations get the same rights.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";
