// User-assigned managed identity that the function app runs as. A user-assigned identity (rather
// than the app's system identity) exists before the app does, so its role assignments can be
// granted first and the app starts with storage and Key Vault access already in place.

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
