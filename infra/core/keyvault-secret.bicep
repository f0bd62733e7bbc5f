// One Key Vault secret. A module of its own, so main.bicep can create each secret only when its
// value is set without copying secure values into variables.

param keyVaultName string
param name string

@secure()
param value string

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: name
  properties: {
    value: value
    contentType: 'text/plain'
  }
}

output name string = secret.name
