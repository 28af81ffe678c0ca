# azd postprovision hook for Windows (PowerShell 7). Same steps as postprovision.sh:
# 1. `webhooks migrate` as the Postgres Microsoft Entra administrator (token from your az/azd login,
#    because the connection string has no password and Postgres__UseEntraAuth is true);
# 2. the function app's database role with DML rights only (needs psql; otherwise prints the commands).
# A firewall rule for this machine's public IP is opened for the run and always removed afterwards.
# Optional: SKIP_DATABASE_MIGRATIONS=true, MIGRATION_CLIENT_IP=<address>, MIGRATION_FIREWALL_RULE=false.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

if ($env:SKIP_DATABASE_MIGRATIONS -eq 'true') {
    Write-Host 'postprovision: SKIP_DATABASE_MIGRATIONS=true, not migrating.'
    exit 0
}

foreach ($name in 'AZURE_RESOURCE_GROUP', 'POSTGRES_SERVER_NAME', 'POSTGRES_HOST', 'POSTGRES_DATABASE', 'POSTGRES_ADMIN_NAME', 'POSTGRES_APP_ROLE') {
    if ([string]::IsNullOrEmpty([Environment]::GetEnvironmentVariable($name))) {
        Write-Error "postprovision: $name is not set; run this through azd (azd provision) so the outputs are in the environment."
    }
}
foreach ($tool in 'az', 'dotnet') {
    if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) {
        Write-Error "postprovision: '$tool' is required (see docs/deploy-azure.md, Prerequisites)."
    }
}

# Native commands do not throw on a non-zero exit code; check it after each one.
function Invoke-Checked([scriptblock] $Command, [string] $What) {
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "postprovision: $What failed (exit code $LASTEXITCODE)." }
}

$hooksDir = $PSScriptRoot
$repoRoot = (Resolve-Path (Join-Path $hooksDir '../..')).Path
$ruleName = $null

try {
    if ($env:MIGRATION_FIREWALL_RULE -ne 'false') {
        $clientIp = $env:MIGRATION_CLIENT_IP
        if ([string]::IsNullOrEmpty($clientIp)) {
            $clientIp = (Invoke-RestMethod -Uri 'https://api.ipify.org' -TimeoutSec 10).ToString().Trim()
        }
        $candidate = 'azd-migrate-' + (Get-Date -Format 'yyyyMMddHHmmss')
        Write-Host "postprovision: allowing $clientIp through the Postgres firewall for this run ($candidate)"
        Invoke-Checked {
            az postgres flexible-server firewall-rule create `
                --resource-group $env:AZURE_RESOURCE_GROUP --name $env:POSTGRES_SERVER_NAME `
                --rule-name $candidate --start-ip-address $clientIp --end-ip-address $clientIp --output none
        } 'creating the firewall rule'
        $ruleName = $candidate
    }

    Write-Host "postprovision: applying migrations to $($env:POSTGRES_DATABASE) on $($env:POSTGRES_HOST) as $($env:POSTGRES_ADMIN_NAME)"
    $env:ConnectionStrings__Webhooks = "Host=$($env:POSTGRES_HOST);Database=$($env:POSTGRES_DATABASE);Username=$($env:POSTGRES_ADMIN_NAME);Ssl Mode=VerifyFull"
    $env:Postgres__UseEntraAuth = 'true'
    try {
        Invoke-Checked { dotnet run --project (Join-Path $repoRoot 'src/Cli') --configuration Release -- migrate } 'webhooks migrate'
    }
    finally {
        Remove-Item Env:ConnectionStrings__Webhooks, Env:Postgres__UseEntraAuth -ErrorAction SilentlyContinue
    }

    if (-not (Get-Command psql -ErrorAction SilentlyContinue)) {
        Write-Host @"
postprovision: psql not found, so the app's database role was not checked. Run once, as the administrator:
  `$env:PGPASSWORD = az account get-access-token --resource-type oss-rdbms --query accessToken --output tsv
  psql "host=$($env:POSTGRES_HOST) dbname=postgres user=$($env:POSTGRES_ADMIN_NAME) sslmode=require" -v ON_ERROR_STOP=1 -v app_role=$($env:POSTGRES_APP_ROLE) -f infra/hooks/create-app-role.sql
  psql "host=$($env:POSTGRES_HOST) dbname=$($env:POSTGRES_DATABASE) user=$($env:POSTGRES_ADMIN_NAME) sslmode=require" -v ON_ERROR_STOP=1 -v app_role=$($env:POSTGRES_APP_ROLE) -f infra/hooks/grant-app-role.sql
"@
        return
    }

    # libpq 16+ can check the server certificate against the system roots; older clients only encrypt.
    $ssl = 'sslmode=require'
    if ((psql --version) -match '(\d+)' -and [int]$Matches[1] -ge 16) { $ssl = 'sslmode=verify-full sslrootcert=system' }

    $env:PGPASSWORD = az account get-access-token --resource-type oss-rdbms --query accessToken --output tsv
    if ($LASTEXITCODE -ne 0) { throw 'postprovision: could not get a Postgres access token from az.' }
    try {
        Write-Host "postprovision: ensuring database role $($env:POSTGRES_APP_ROLE) exists with DML rights only"
        Invoke-Checked {
            psql "host=$($env:POSTGRES_HOST) dbname=postgres user=$($env:POSTGRES_ADMIN_NAME) $ssl" `
                --quiet -v ON_ERROR_STOP=1 -v "app_role=$($env:POSTGRES_APP_ROLE)" -f (Join-Path $hooksDir 'create-app-role.sql')
        } 'creating the app role'
        Invoke-Checked {
            psql "host=$($env:POSTGRES_HOST) dbname=$($env:POSTGRES_DATABASE) user=$($env:POSTGRES_ADMIN_NAME) $ssl" `
                --quiet -v ON_ERROR_STOP=1 -v "app_role=$($env:POSTGRES_APP_ROLE)" -f (Join-Path $hooksDir 'grant-app-role.sql')
        } 'granting the app role'
    }
    finally {
        Remove-Item Env:PGPASSWORD -ErrorAction SilentlyContinue
    }
    Write-Host 'postprovision: done'
}
finally {
    if ($ruleName) {
        Write-Host "postprovision: removing firewall rule $ruleName"
        az postgres flexible-server firewall-rule delete `
            --resource-group $env:AZURE_RESOURCE_GROUP --name $env:POSTGRES_SERVER_NAME `
            --rule-name $ruleName --yes --output none
        if ($LASTEXITCODE -ne 0) {
            Write-Warning "postprovision: could not delete firewall rule $ruleName on $($env:POSTGRES_SERVER_NAME); delete it by hand."
        }
    }
}
