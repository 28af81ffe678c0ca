#!/bin/sh
# azd postprovision hook: runs after every `azd provision` / `azd up`, before the app is deployed.
#
# 1. Applies the database migrations with `webhooks migrate`, signed in as the Postgres Microsoft
#    Entra administrator (you). The connection string has no password and Postgres__UseEntraAuth is
#    true, so the CLI gets an access token from your az/azd login (DefaultAzureCredential).
# 2. Makes sure the function app's managed identity has a database role with DML rights only
#    (create-app-role.sql, grant-app-role.sql). Needs psql; without it the hook prints the commands.
#
# The server admits only Azure-hosted callers, so for the duration of the run the hook opens a
# firewall rule for this machine's public IP address, and deletes it again on the way out.
#
# Reads the provisioning outputs azd puts in the environment: AZURE_RESOURCE_GROUP,
# POSTGRES_SERVER_NAME, POSTGRES_HOST, POSTGRES_DATABASE, POSTGRES_ADMIN_NAME, POSTGRES_APP_ROLE.
# Optional: SKIP_DATABASE_MIGRATIONS=true skips this hook (run the same steps from inside the
# network when Postgres is private); MIGRATION_CLIENT_IP=<address> skips the address lookup;
# MIGRATION_FIREWALL_RULE=false opens no rule (you already have network access).
set -eu

if [ "${SKIP_DATABASE_MIGRATIONS:-false}" = "true" ]; then
  echo "postprovision: SKIP_DATABASE_MIGRATIONS=true, not migrating."
  exit 0
fi

for name in AZURE_RESOURCE_GROUP POSTGRES_SERVER_NAME POSTGRES_HOST POSTGRES_DATABASE POSTGRES_ADMIN_NAME POSTGRES_APP_ROLE; do
  eval "value=\${$name:-}"
  if [ -z "$value" ]; then
    echo "postprovision: $name is not set; run this through azd (azd provision) so the outputs are in the environment." >&2
    exit 1
  fi
done

for tool in az dotnet; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "postprovision: '$tool' is required (see docs/deploy-azure.md, Prerequisites)." >&2
    exit 1
  fi
done

hooks_dir=$(cd "$(dirname "$0")" && pwd)
repo_root=$(cd "$hooks_dir/../.." && pwd)

# ---- temporary firewall rule ------------------------------------------------------------------
rule_name=""
close_firewall() {
  if [ -n "$rule_name" ]; then
    echo "postprovision: removing firewall rule $rule_name"
    az postgres flexible-server firewall-rule delete \
      --resource-group "$AZURE_RESOURCE_GROUP" --name "$POSTGRES_SERVER_NAME" \
      --rule-name "$rule_name" --yes --output none \
      || echo "postprovision: could not delete firewall rule $rule_name on $POSTGRES_SERVER_NAME; delete it by hand." >&2
    rule_name=""
  fi
}
trap close_firewall EXIT
trap 'close_firewall; exit 130' INT TERM

if [ "${MIGRATION_FIREWALL_RULE:-true}" != "false" ]; then
  client_ip="${MIGRATION_CLIENT_IP:-}"
  if [ -z "$client_ip" ]; then
    client_ip=$(curl -fsS --max-time 10 https://api.ipify.org) || {
      echo "postprovision: could not look up this machine's public IP; set MIGRATION_CLIENT_IP." >&2
      exit 1
    }
  fi
  candidate="azd-migrate-$(date +%Y%m%d%H%M%S)"
  echo "postprovision: allowing $client_ip through the Postgres firewall for this run ($candidate)"
  az postgres flexible-server firewall-rule create \
    --resource-group "$AZURE_RESOURCE_GROUP" --name "$POSTGRES_SERVER_NAME" \
    --rule-name "$candidate" --start-ip-address "$client_ip" --end-ip-address "$client_ip" \
    --output none
  rule_name="$candidate"
fi

# ---- 1. migrations, as the Entra administrator ------------------------------------------------
echo "postprovision: applying migrations to $POSTGRES_DATABASE on $POSTGRES_HOST as $POSTGRES_ADMIN_NAME"
ConnectionStrings__Webhooks="Host=$POSTGRES_HOST;Database=$POSTGRES_DATABASE;Username=$POSTGRES_ADMIN_NAME;Ssl Mode=VerifyFull" \
Postgres__UseEntraAuth=true \
  dotnet run --project "$repo_root/src/Cli" --configuration Release -- migrate

# ---- 2. the app's role: DML only ---------------------------------------------------------------
if ! command -v psql >/dev/null 2>&1; then
  cat <<INSTRUCTIONS
postprovision: psql not found, so the app's database role was not checked. Run once, as the administrator:
  export PGPASSWORD="\$(az account get-access-token --resource-type oss-rdbms --query accessToken --output tsv)"
  psql "host=$POSTGRES_HOST dbname=postgres user=$POSTGRES_ADMIN_NAME sslmode=require" -v ON_ERROR_STOP=1 -v app_role=$POSTGRES_APP_ROLE -f infra/hooks/create-app-role.sql
  psql "host=$POSTGRES_HOST dbname=$POSTGRES_DATABASE user=$POSTGRES_ADMIN_NAME sslmode=require" -v ON_ERROR_STOP=1 -v app_role=$POSTGRES_APP_ROLE -f infra/hooks/grant-app-role.sql
INSTRUCTIONS
  exit 0
fi

# libpq 16+ can check the server certificate against the system roots; older clients only encrypt.
ssl="sslmode=require"
psql_major=$(psql --version | sed -n 's/^[^0-9]*\([0-9][0-9]*\).*/\1/p')
if [ -n "$psql_major" ] && [ "$psql_major" -ge 16 ]; then
  ssl="sslmode=verify-full sslrootcert=system"
fi

token=$(az account get-access-token --resource-type oss-rdbms --query accessToken --output tsv)
echo "postprovision: ensuring database role $POSTGRES_APP_ROLE exists with DML rights only"
PGPASSWORD="$token" psql "host=$POSTGRES_HOST dbname=postgres user=$POSTGRES_ADMIN_NAME $ssl" \
  --quiet -v ON_ERROR_STOP=1 -v app_role="$POSTGRES_APP_ROLE" -f "$hooks_dir/create-app-role.sql"
PGPASSWORD="$token" psql "host=$POSTGRES_HOST dbname=$POSTGRES_DATABASE user=$POSTGRES_ADMIN_NAME $ssl" \
  --quiet -v ON_ERROR_STOP=1 -v app_role="$POSTGRES_APP_ROLE" -f "$hooks_dir/grant-app-role.sql"
echo "postprovision: done"
