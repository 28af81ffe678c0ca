// Key Vault in RBAC mode for the Stripe signing secrets. The app reads them through Key Vault
// references resolved by the platform with the app's managed identity; no access policies, no keys.

param name string
param location string
param tags object = {}

@description('Principal (object) id of the function app identity. Gets Key Vault Secrets User: read secret values, nothing else.')
param appPrincipalId string

@description('Object id of the operator who deploys (AZURE_PRINCIPAL_ID). Gets Key Vault Secrets Officer on this vault only, so they can put and rotate the signing secret. Empty skips it.')
param operatorPrincipalId string = ''

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param operatorPrincipalType string = 'User'

@secure()
@description('Optional signing secret (whsec_...) to store as stripe-webhook-secret-0. Empty leaves the vault\'s secrets alone, so a value set by hand is never overwritten by a later provision.')
param stripeWebhookSecret string = ''

@description('Name of the secret stripeWebhookSecret is written to.')
param stripeWebhookSecretName string = 'stripe-webhook-secret-0'

@secure()
@description('Optional Stripe restricted key (rk_...) to store as stripeApiKeyName. Empty leaves the vault\'s secrets alone.')
param stripeApiKey string = ''

@description('Name of the secret stripeApiKey is written to.')
param stripeApiKeyName string = 'stripe-api-key'

@description('Purge protection cannot be turned off once on, and blocks `azd down --purge`; enable it for production vaults.')
param enablePurgeProtection bool = false

// Built-in role definition ids.
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var keyVaultSecretsOfficer = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    // The property only accepts true; leaving it out is how it stays off.
    enablePurgeProtection: enablePurgeProtection ? true : null
    // Key Vault references from a Flex Consumption app without VNet integration use the public
    // endpoint; every read still needs the app identity's RBAC role. VNet option: publicNetworkAccess
    // 'Disabled' plus a private endpoint in the app's virtual network (docs/deploy-azure.md).
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource webhookSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(stripeWebhookSecret)) {
  parent: vault
  name: stripeWebhookSecretName
  properties: {
    value: stripeWebhookSecret
    contentType: 'Stripe webhook signing secret'
  }
}

resource apiKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(stripeApiKey)) {
  parent: vault
  name: stripeApiKeyName
  properties: {
    value: stripeApiKey
    contentType: 'Stripe restricted API key (Events: read)'
  }
}

resource appSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource operatorSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(vault.id, operatorPrincipalId, keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsOfficer)
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
  }
}

output name string = vault.name
// Ends with '/', e.g. https://kv-abc.vault.azure.net/
output uri string = vault.properties.vaultUri
