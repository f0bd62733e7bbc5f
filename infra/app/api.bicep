// The function app on the Flex Consumption plan: Node 22, the user-assigned identity for every
// connection, identity-based host storage, and app settings named as src/config/settings.ts
// reads them. Secrets reach the app only as Key Vault references.

param name string
param planName string
param location string
param tags object = {}

@description('Tag value that azd matches against the service name in azure.yaml.')
param serviceName string

param identityId string
param identityClientId string

param storageAccountName string
param blobEndpoint string
param queueEndpoint string
param tableEndpoint string
param deploymentContainerName string

param applicationInsightsConnectionString string
param logAnalyticsCustomerId string
param keyVaultName string

@description('Upper bound on instances; Flex Consumption accepts 40 to 1000.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@allowed([
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Always-ready instances for the durable trigger group (orchestrators, activities, entities).')
@minValue(0)
param durableAlwaysReadyInstances int = 1

@description('App settings whose values live in Key Vault: app setting name to secret name. Only secrets that exist belong here.')
param keyVaultReferenceSettings object = {}

@description('Plain app settings added after the built-in ones, such as PAGERDUTY_FROM_EMAIL or the Azure OpenAI endpoint.')
param extraSettings object = {}

@description('Durable task hub name, referenced from host.json as %DURABLE_TASK_HUB%.')
param durableTaskHub string = 'sreagent'

@description('Client id of an Entra ID app registration for App Service authentication; empty leaves authentication off.')
param authClientId string = ''

@description('Paths that App Service authentication lets through without a signed-in user: webhooks and the health probe.')
param authExcludedPaths array = [
  '/api/alerts/azure-monitor'
  '/api/alerts/pagerduty'
  '/api/health'
]

// Identity-based host storage. The Durable Functions Azure Storage backend needs the blob, queue
// and table service URIs, so all three are set instead of `__accountName`; the app's own table
// client reads `__tableServiceUri` too.
var storageSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: blobEndpoint
  AzureWebJobsStorage__queueServiceUri: queueEndpoint
  AzureWebJobsStorage__tableServiceUri: tableEndpoint
}

var monitoringSettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

// AZURE_CLIENT_ID switches the app's Azure credential to this managed identity.
var agentSettings = {
  AZURE_CLIENT_ID: identityClientId
  DURABLE_TASK_HUB: durableTaskHub
  LOG_ANALYTICS_WORKSPACE_ID: logAnalyticsCustomerId
  PUBLIC_BASE_URL: 'https://${name}.azurewebsites.net'
}

var secretSettings = toObject(
  items(keyVaultReferenceSettings),
  setting => setting.key,
  setting => '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${setting.value})'
)

var appSettings = union(storageSettings, monitoringSettings, agentSettings, extraSettings, secretSettings)

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
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
    publicNetworkAccess: 'Enabled'
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        for setting in items(appSettings): {
          name: setting.key
          value: setting.value
        }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      runtime: {
        name: 'node'
        version: '22'
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: durableAlwaysReadyInstances > 0
          ? [
              {
                name: 'durable'
                instanceCount: durableAlwaysReadyInstances
              }
            ]
          : []
      }
    }
  }
}

// Deployments go through Entra ID (azd and the Flex deployment container), so basic-auth
// publishing credentials stay off.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

// App Service authentication for the pages and approvals. Sign-in uses ID tokens only, so the
// app registration needs no client secret; the webhooks and the health probe stay reachable.
resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = if (!empty(authClientId)) {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'RedirectToLoginPage'
      redirectToProvider: 'azureactivedirectory'
      excludedPaths: authExcludedPaths
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            'api://${authClientId}'
            authClientId
          ]
        }
      }
    }
    login: {
      // The app reads only the signed-in principal headers, so no token store is needed.
      tokenStore: {
        enabled: false
      }
    }
  }
}

output id string = site.id
output name string = site.name
output defaultHostName string = site.properties.defaultHostName
