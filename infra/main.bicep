// Stripe webhook receiver on Azure: Flex Consumption function app + PostgreSQL Flexible Server,
// keyless end to end. One user-assigned managed identity is the app's only credential.
// Deploy with `azd up`; see docs/deploy-azure.md.
targetScope = 'subscription'

// ---- azd environment -------------------------------------------------------------------------

@minLength(1)
@maxLength(64)
@description('azd environment name (AZURE_ENV_NAME); seeds resource names.')
param environmentName string

@minLength(1)
@description('Region for every resource. Pick one that offers the Flex Consumption plan and PostgreSQL Flexible Server.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the operator running azd (AZURE_PRINCIPAL_ID). Becomes the Postgres Entra administrator and gets Key Vault Secrets Officer on the vault. Empty means the deploying principal.')
param principalId string = ''

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
@description('Kind of principal principalId is.')
param principalType string = 'User'

@description('Postgres login name of the administrator: the UPN for a user (empty means the deploying user\'s UPN), the display name for a group or service principal.')
param postgresAdminName string = ''

@description('Resource group to create; empty means rg-<environmentName>.')
param resourceGroupName string = ''

// ---- Stripe signing secrets --------------------------------------------------------------------

@secure()
@description('Optional Stripe signing secret (whsec_...) written to Key Vault as stripe-webhook-secret-0. Empty (the default) leaves Key Vault alone; put the secret there yourself (docs/deploy-azure.md).')
param stripeWebhookSecret string = ''

@minValue(1)
@maxValue(4)
@description('How many signing secrets the app reads: Stripe__WebhookSecrets__0..N-1 from Key Vault secrets stripe-webhook-secret-0..N-1. Set 2 while rotating.')
param stripeWebhookSecretSlots int = 1

// ---- Stripe API key (reconciliation from the Events API) ------------------------------------------

@secure()
@description('Optional Stripe restricted key (rk_..., "Events: read" only) written to Key Vault as stripe-api-key; the app reads it as Stripe__ApiKey. Empty (the default) leaves reconciliation off (docs/reconciliation.md).')
param stripeApiKey string = ''

@description('ReconcileSchedule: NCRONTAB with seconds, UTC; when the ReconcileStripeEvents timer lists missed events.')
param reconcileSchedule string = '0 */15 * * * *'

@minValue(0)
@maxValue(1440)
@description('Reconcile__OverlapMinutes: how far before the last successful run\'s end the next run starts listing.')
param reconcileOverlapMinutes int = 60

// ---- Application settings (DESIGN.md "Configuration") -----------------------------------------

@description('Stripe__SignatureToleranceSeconds')
param signatureToleranceSeconds int = 300

@description('Stripe__Livemode: true applies live events only, false test events only (a test deployment). The other mode is acknowledged and applied nowhere.')
param stripeLivemode bool = true

@minValue(4) // Stripe retries for 3 days; the app refuses anything shorter than 4.
@description('Webhooks__RetentionDays')
param retentionDays int = 30

@description('PurgeSchedule: NCRONTAB with seconds, UTC.')
param purgeSchedule string = '0 17 3 * * *'

@description('Outbox__QueueName: the Azure Storage queue outbox messages go to.')
param outboxQueueName string = 'stripe-outbox'

@description('Outbox__SweepSchedule: NCRONTAB with seconds, UTC, of the DispatchOutbox timer.')
param outboxSweepSchedule string = '*/30 * * * * *'

@description('Outbox__SweepDelaySeconds: age after which the sweep re-sends an undispatched message.')
param outboxSweepDelaySeconds int = 10

@description('Outbox__MaxDequeueCount: deliveries before a message is poison (keep equal to host.json).')
param outboxMaxDequeueCount int = 5

@description('Outbox__RetryDelaySeconds: serve\'s listener only (host.json visibilityTimeout on Azure); kept in step.')
param outboxRetryDelaySeconds int = 5

@description('Outbox__RedispatchAfterMinutes: a message dispatched this long ago and still not consumed is dispatched again.')
param outboxRedispatchAfterMinutes int = 10

@description('Outbox__DispatchBatchSize: messages dispatched per transaction.')
param outboxDispatchBatchSize int = 100

@description('Outbox__DispatchIntervalMilliseconds: least time between two dispatches woken by commits (batches under load).')
param outboxDispatchIntervalMilliseconds int = 50

@description('Webhooks__MaxBodyBytes')
param maxBodyBytes int = 1048576

@description('Webhooks__LockTimeoutSeconds')
param lockTimeoutSeconds int = 10

@description('Webhooks__MaxAttempts')
param maxAttempts int = 10

@minValue(1)
@description('Webhooks__PurgeBatchSize: rows per retention-purge statement.')
param purgeBatchSize int = 1000

@minValue(0)
@description('Webhooks__OpportunisticPurgeBatchSize: expired rows one request may delete on its way.')
param opportunisticPurgeBatchSize int = 100

@description('Billing__UserIdMetadataKey')
param userIdMetadataKey string = 'user_id'

@description('Billing__DefaultTier')
param defaultTier string = 'free'

@description('Stripe price id -> tier, e.g. { "price_1Pro": "pro" }; each entry becomes Billing__Prices__<price id>.')
param billingPrices object = {}

// ---- Sizing ---------------------------------------------------------------------------------

@description('PostgreSQL major version.')
param postgresVersion string = '16'

@description('Standard_B2s allows about 429 connections: room for maximumInstanceCount x postgresMaxPoolSize.')
param postgresSkuName string = 'Standard_B2s'

@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param postgresSkuTier string = 'Burstable'

param postgresStorageSizeGB int = 32

@description('Npgsql pool size per function instance (Maximum Pool Size).')
param postgresMaxPoolSize int = 10

@description('Admit Azure-hosted callers to Postgres through its public endpoint. Set false only with the VNet option in place.')
param allowAzureServicesToPostgres bool = true

@description('Flex Consumption scale-out limit.')
param maximumInstanceCount int = 40

@description('Memory per Flex Consumption instance.')
param instanceMemoryMB int = 2048

@description('Key Vault purge protection (irreversible; blocks `azd down --purge`).')
param keyVaultPurgeProtection bool = false

// ---- Names ----------------------------------------------------------------------------------

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var serviceName = 'webhooks' // azure.yaml service
var functionAppName = 'func-webhooks-${resourceToken}'
var identityName = 'id-webhooks-${resourceToken}'
var postgresDatabaseName = 'webhooks'
var deploymentContainerName = 'app-package-webhooks'
var webhookSecretNamePrefix = 'stripe-webhook-secret-'

var postgresAdminObjectId = !empty(principalId) ? principalId : deployer().objectId
var postgresAdminLogin = !empty(postgresAdminName) ? postgresAdminName : deployer().userPrincipalName

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
  location: location
  tags: tags
}

// ---- Resources ------------------------------------------------------------------------------

module identity './app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module storage './app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module monitoring './app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module rbac './app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    appPrincipalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

module keyVault './app/key-vault.bicep' = {
  name: 'keyVault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    appPrincipalId: identity.outputs.principalId
    operatorPrincipalId: principalId
    operatorPrincipalType: principalType
    stripeWebhookSecret: stripeWebhookSecret
    stripeWebhookSecretName: '${webhookSecretNamePrefix}0'
    stripeApiKey: stripeApiKey
    stripeApiKeyName: stripeApiKeySecretName
    enablePurgeProtection: keyVaultPurgeProtection
  }
}

module postgres './app/postgres.bicep' = {
  name: 'postgres'
  scope: rg
  params: {
    serverName: 'psql-${resourceToken}'
    location: location
    tags: tags
    databaseName: postgresDatabaseName
    version: postgresVersion
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    storageSizeGB: postgresStorageSizeGB
    administratorObjectId: postgresAdminObjectId
    administratorName: postgresAdminLogin
    administratorType: principalType
    allowAzureServices: allowAzureServicesToPostgres
  }
}

// ---- App settings ---------------------------------------------------------------------------

// No password: the app signs in as its managed identity with an Entra token (Postgres__UseEntraAuth).
// Its database role has the identity's name and only DML rights (docs/deploy-azure.md).
// VerifyFull: the token travels as the password, so the server certificate is checked, not just used.
var postgresConnectionString = 'Host=${postgres.outputs.fqdn};Database=${postgresDatabaseName};Username=${identity.outputs.name};Ssl Mode=VerifyFull;Maximum Pool Size=${postgresMaxPoolSize}'

// Stripe__WebhookSecrets__0..N-1 as Key Vault references (versionless, so a new secret version is
// picked up when the platform refreshes references: on restart, on any settings change, and daily).
var webhookSecretSettings = toObject(
  range(0, stripeWebhookSecretSlots),
  slot => 'Stripe__WebhookSecrets__${slot}',
  slot => '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${webhookSecretNamePrefix}${slot}/)'
)

// Stripe__ApiKey as a versionless Key Vault reference when a key is supplied; empty switches reconciliation off.
var stripeApiKeySecretName = 'stripe-api-key'
var stripeApiKeySetting = empty(stripeApiKey) ? '' : '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${stripeApiKeySecretName}/)'

var billingPriceSettings = toObject(
  items(billingPrices),
  price => 'Billing__Prices__${price.key}',
  price => string(price.value)
)

var webhookSettings = union(
  {
    ConnectionStrings__Webhooks: postgresConnectionString
    Postgres__UseEntraAuth: 'true'
    Postgres__ManagedIdentityClientId: identity.outputs.clientId
    Stripe__SignatureToleranceSeconds: string(signatureToleranceSeconds)
    Stripe__Livemode: stripeLivemode ? 'true' : 'false'
    Webhooks__RetentionDays: string(retentionDays)
    Webhooks__MaxBodyBytes: string(maxBodyBytes)
    Webhooks__LockTimeoutSeconds: string(lockTimeoutSeconds)
    Webhooks__MaxAttempts: string(maxAttempts)
    Webhooks__PurgeBatchSize: string(purgeBatchSize)
    Webhooks__OpportunisticPurgeBatchSize: string(opportunisticPurgeBatchSize)
    Billing__UserIdMetadataKey: userIdMetadataKey
    Billing__DefaultTier: defaultTier
    // Top-level so the Functions host resolves %PurgeSchedule% in the timer trigger.
    PurgeSchedule: purgeSchedule
    // The queue trigger and the sweep timer resolve %Outbox:QueueName% and %Outbox:SweepSchedule% from these.
    Outbox__QueueName: outboxQueueName
    Outbox__SweepSchedule: outboxSweepSchedule
    Outbox__SweepDelaySeconds: string(outboxSweepDelaySeconds)
    Outbox__MaxDequeueCount: string(outboxMaxDequeueCount)
    Outbox__RetryDelaySeconds: string(outboxRetryDelaySeconds)
    Outbox__RedispatchAfterMinutes: string(outboxRedispatchAfterMinutes)
    Outbox__DispatchBatchSize: string(outboxDispatchBatchSize)
    Outbox__DispatchIntervalMilliseconds: string(outboxDispatchIntervalMilliseconds)
    Stripe__ApiKey: stripeApiKeySetting
    // Top-level so the Functions host resolves %ReconcileSchedule% in the ReconcileStripeEvents timer.
    ReconcileSchedule: reconcileSchedule
    Reconcile__OverlapMinutes: string(reconcileOverlapMinutes)
  },
  webhookSecretSettings,
  billingPriceSettings
)

module functionApp './app/function-app.bicep' = {
  name: 'functionApp'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    serviceName: serviceName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    appSettings: webhookSettings
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
  // The host needs its storage and telemetry roles before it first starts. (The Key Vault module,
  // with the app's Secrets User role, is already a dependency through the secret references.)
  dependsOn: [
    rbac
  ]
}

// ---- Outputs (azd stores these in the environment; the hooks read them) ----------------------

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_WEBHOOKS_NAME string = functionApp.outputs.name
output SERVICE_WEBHOOKS_URI string = 'https://${functionApp.outputs.defaultHostName}'
output WEBHOOK_ENDPOINT_URL string = 'https://${functionApp.outputs.defaultHostName}/api/stripe/webhook'
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output POSTGRES_SERVER_NAME string = postgres.outputs.name
output POSTGRES_HOST string = postgres.outputs.fqdn
output POSTGRES_DATABASE string = postgres.outputs.databaseName
output POSTGRES_ADMIN_NAME string = postgresAdminLogin
output POSTGRES_APP_ROLE string = identity.outputs.name
