// Flex Consumption (FC1) plan and the Linux function app (.NET 10 isolated worker) that hosts
// StripeWebhook, Health, PurgeProcessedStripeEvents, ReconcileStripeEvents and the outbox functions. It runs as a user-assigned identity and
// holds no secret: storage, telemetry, Key Vault references and Postgres all use that identity.

param name string
param planName string
param location string
param tags object = {}

@description('azd service name from azure.yaml; azd finds the app to deploy by this tag.')
param serviceName string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity (for identity-based connections that must name it).')
param identityClientId string

@description('Blob endpoint of the storage account, ending with /.')
param storageBlobEndpoint string

@description('Queue endpoint of the same account: the outbox queue (ProcessOutboxMessage and the dispatcher).')
param storageQueueEndpoint string

param deploymentContainerName string
param applicationInsightsConnectionString string

@description('The application\'s own settings (DESIGN.md configuration), merged with the host settings below.')
param appSettings object

@description('Upper bound on scale-out. Each instance holds its own Npgsql pool, so size Postgres max_connections for this times the pool size.')
param maximumInstanceCount int

@allowed([
  2048
  4096
])
param instanceMemoryMB int

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true // Linux
  }
}

resource functionApp 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Resolve @Microsoft.KeyVault(...) settings as the user-assigned identity (the default would
    // be a system-assigned identity, which this app does not have).
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        // Flex Consumption takes the stack from here; FUNCTIONS_WORKER_RUNTIME and
        // FUNCTIONS_EXTENSION_VERSION must not be set as app settings.
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }

  // Replaces the whole set of app settings on every provision: change settings here (or through
  // the parameters), not in the portal, or the next `azd provision` undoes the change.
  resource settings 'config' = {
    name: 'appsettings'
    properties: union(appSettings, {
      // Identity-based host storage: no AccountKey anywhere. Blob for timer leases and host keys; queue for the
      // outbox (the queue trigger and the app's own dispatcher read the same two settings).
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId
      AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
      AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
      // Telemetry with Entra auth (the Application Insights resource has local auth disabled).
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    })
  }
}

output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
