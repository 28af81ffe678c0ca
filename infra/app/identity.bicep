// The user-assigned managed identity the function app runs as. It is the app's only credential:
// storage, Application Insights, Key Vault and Postgres all accept its Entra tokens, and no key,
// password or connection-string secret exists anywhere.

@description('Name of the identity. Postgres knows the app by this name (its database role).')
param name string

param location string
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
