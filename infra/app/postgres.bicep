// Azure Database for PostgreSQL Flexible Server with Microsoft Entra authentication only:
// password authentication is disabled, so no administrator password exists at all. TLS is required.
//
// Network: by default the server has a public endpoint that admits only Azure-hosted callers (the
// 0.0.0.0 "Allow Azure services" rule), because a Flex Consumption app without VNet integration
// has no fixed outbound address. That rule admits any Azure-hosted caller, not just this app; with
// Entra-only sign-in such a caller still needs a token for a role on this server. For network
// isolation as well, use the VNet option (docs/deploy-azure.md): give the app VNet integration
// (functionApp virtualNetworkSubnetId, a subnet delegated to Microsoft.App/environments) and
// either create the server with private access (network.delegatedSubnetResourceId +
// privateDnsZoneArmResourceId, publicNetworkAccess 'Disabled') or add a private endpoint, then
// set allowAzureServices to false.

param serverName string
param location string
param tags object = {}

@description('Database the app uses.')
param databaseName string

param version string
param skuName string
param skuTier string
param storageSizeGB int

@description('Object id of the Microsoft Entra administrator (the operator who runs migrations).')
param administratorObjectId string

@description('Login name of the administrator: the UPN for a user, the display name for a group or service principal.')
param administratorName string

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param administratorType string

@description('Admit Azure-hosted callers through the public endpoint (the default for an app without VNet integration).')
param allowAzureServices bool

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: serverName
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: version
    createMode: 'Default'
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: subscription().tenantId
    }
    storage: {
      storageSizeGB: storageSizeGB
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    network: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

// The server accepts one change at a time; the child resources below are chained with dependsOn
// so they are applied in sequence instead of failing with "server busy".

resource allowAzureServicesRule 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = if (allowAzureServices) {
  parent: server
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource administrator 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = {
  parent: server
  name: administratorObjectId
  properties: {
    principalName: administratorName
    principalType: administratorType
    tenantId: subscription().tenantId
  }
  dependsOn: [
    allowAzureServicesRule
  ]
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
  dependsOn: [
    administrator
  ]
}

// On by default on Flexible Server; pinned so nobody turns it off by accident.
resource requireSecureTransport 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'require_secure_transport'
  properties: {
    value: 'on'
    source: 'user-override'
  }
  dependsOn: [
    database
  ]
}

output name string = server.name
output fqdn string = server.properties.fullyQualifiedDomainName
output databaseName string = database.name
