-- Creates the database role of the function app's managed identity, once.
-- Run as the Microsoft Entra administrator, connected to the "postgres" database (where the
-- pgaadauth_* functions live):
--   psql "host=<server>.postgres.database.azure.com dbname=postgres user=<admin UPN> sslmode=require" \
--        -v ON_ERROR_STOP=1 -v app_role=<identity name> -f infra/hooks/create-app-role.sql
-- Idempotent: does nothing when the role already exists. The role is neither admin nor MFA-bound.
SELECT format('SELECT * FROM pgaadauth_create_principal(%L, false, false)', :'app_role')
WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = :'app_role')
\gexec
