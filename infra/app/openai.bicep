// Optional Azure OpenAI account and one model deployment for the LLM analyst. Key auth is off:
// the app calls it with its managed identity (Cognitive Services OpenAI User).

param name string
param location string
param tags object = {}
param principalId string

@description('Resource id of the identity; it seeds the role assignment name, which must be known before deployment.')
param identityResourceId string

param modelName string
param modelVersion string

@description('Deployment SKU, for example GlobalStandard or Standard.')
param deploymentSku string = 'GlobalStandard'

@description('Capacity in thousands of tokens per minute.')
param capacity int = 30

var cognitiveServicesOpenAiUser = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: name
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    // A custom subdomain is required for Entra ID authentication.
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

resource deployment 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = {
  parent: account
  name: modelName
  sku: {
    name: deploymentSku
    capacity: capacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: modelName
      version: modelVersion
    }
  }
}

resource openAiAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: account
  name: guid(account.id, identityResourceId, cognitiveServicesOpenAiUser)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', cognitiveServicesOpenAiUser)
  }
}

output endpoint string = account.properties.endpoint
output deploymentName string = deployment.name
