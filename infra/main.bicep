// Infrastructure for the SRE incident agent, deployed with `azd up`. It creates one resource
// group with the function app (Flex Consumption, Node 22), its identity, storage, monitoring
// and Key Vault, and grants that identity access in the resource groups the agent watches.
// Only local modules are used, so the template compiles without a module registry.

targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment. It names the resource group and seeds the unique resource names.')
param environmentName string

@minLength(1)
@description('Region for every resource.')
param location string

@description('Resource group name; empty means rg-<environmentName>.')
param resourceGroupName string = ''

// What the agent may see and touch.

@description('Comma-separated names of existing resource groups in this subscription whose alerts the agent handles.')
param watchedResourceGroups string = ''

@description('Grants Website Contributor and Virtual Machine Contributor in the watched resource groups, so approved restarts and scaling can run.')
param allowRemediation bool = false

@description('Global switch for agent writes; false turns every write into a recommendation (AGENT_WRITES_ENABLED).')
param agentWritesEnabled bool = true

// Secrets. Each one is stored in Key Vault only when set, and reaches the app as a Key Vault reference.

@secure()
@description('PagerDuty REST API key with write access (PAGERDUTY_API_KEY). Needs pagerDutyFromEmail.')
param pagerDutyApiKey string = ''

@secure()
@description('Signing secret of the PagerDuty v3 webhook subscription (PAGERDUTY_WEBHOOK_SECRET).')
param pagerDutyWebhookSecret string = ''

@secure()
@description('Key that signs approval links (APPROVAL_SIGNING_KEY). infra/hooks/preprovision.sh creates one when unset.')
param approvalSigningKey string = ''

@secure()
@description('Optional shared token that Azure Monitor intake requires in the token query parameter (AZURE_MONITOR_WEBHOOK_TOKEN).')
param azureMonitorWebhookToken string = ''

@description('Email of the PagerDuty user the agent acts as, sent in the From header (PAGERDUTY_FROM_EMAIL).')
param pagerDutyFromEmail string = ''

@description('PagerDuty user id of the agent; empty means the app looks it up from pagerDutyFromEmail (PAGERDUTY_AGENT_USER_ID).')
param pagerDutyAgentUserId string = ''

@description('PagerDuty REST API base URL; empty means https://api.pagerduty.com. EU accounts use https://api.eu.pagerduty.com (PAGERDUTY_API_URL).')
param pagerDutyApiUrl string = ''

// Scale.

@description('Always-ready instances for the durable trigger group, so orchestrations start without a cold start.')
@minValue(0)
param durableAlwaysReadyInstances int = 1

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

// Optional parts.

@description('Creates an Azure OpenAI account and model deployment for the LLM analyst; without it the rule-based analyst decides.')
param deployOpenAi bool = false

@description('Region of the Azure OpenAI account; empty means the same region as everything else.')
param openAiLocation string = ''

param openAiModelName string = 'gpt-4o-mini'
param openAiModelVersion string = '2024-07-18'

@description('Azure OpenAI deployment capacity in thousands of tokens per minute.')
param openAiCapacity int = 30

@description('Client id of an Entra ID app registration for App Service authentication on the pages; empty leaves it off.')
param authClientId string = ''

@description('Creates the action group with the intake webhook. Set by infra/hooks/postdeploy.sh once code (and so the function key) exists.')
param wireActionGroup bool = false

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}

// Names are fixed before deployment (not read from module outputs), so role assignment names and
// What-If predictions do not depend on runtime values.
var appResourceGroupName = empty(resourceGroupName) ? '${abbrs.resourcesResourceGroups}${environmentName}' : resourceGroupName
var identityName = '${abbrs.managedIdentityUserAssignedIdentities}${resourceToken}'
var identityResourceId = '${subscription().id}/resourceGroups/${appResourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${identityName}'
var storageAccountName = '${abbrs.storageStorageAccounts}${resourceToken}'
var keyVaultName = '${abbrs.keyVaultVaults}${resourceToken}'
var logAnalyticsName = '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
var applicationInsightsName = '${abbrs.insightsComponents}${resourceToken}'
var serviceName = 'agent'
var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'
var alertResponderRoleName = guid(subscription().id, environmentName, 'alert-responder')
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}'
var actionGroupName = '${abbrs.insightsActionGroups}${resourceToken}'

var watchedGroupNames = filter(map(split(watchedResourceGroups, ','), group => trim(group)), group => !empty(group))

// Secret name in Key Vault for each app setting, kept only for the secrets that are set.
var keyVaultSecrets = [
  { setting: 'PAGERDUTY_API_KEY', secret: 'pagerduty-api-key', isSet: !empty(pagerDutyApiKey) }
  { setting: 'PAGERDUTY_WEBHOOK_SECRET', secret: 'pagerduty-webhook-secret', isSet: !empty(pagerDutyWebhookSecret) }
  { setting: 'APPROVAL_SIGNING_KEY', secret: 'approval-signing-key', isSet: !empty(approvalSigningKey) }
  { setting: 'AZURE_MONITOR_WEBHOOK_TOKEN', secret: 'azure-monitor-webhook-token', isSet: !empty(azureMonitorWebhookToken) }
]
var keyVaultReferenceSettings = toObject(
  filter(keyVaultSecrets, entry => entry.isSet),
  entry => entry.setting,
  entry => entry.secret
)

var pagerDutySettings = union(
  empty(pagerDutyFromEmail) ? {} : { PAGERDUTY_FROM_EMAIL: pagerDutyFromEmail },
  empty(pagerDutyAgentUserId) ? {} : { PAGERDUTY_AGENT_USER_ID: pagerDutyAgentUserId },
  empty(pagerDutyApiUrl) ? {} : { PAGERDUTY_API_URL: pagerDutyApiUrl }
)

var openAiSettings = deployOpenAi
  ? {
      AZURE_OPENAI_ENDPOINT: openAi!.outputs.endpoint
      AZURE_OPENAI_DEPLOYMENT: openAi!.outputs.deploymentName
    }
  : {}

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: appResourceGroupName
  location: location
  tags: tags
}

module identity 'core/identity.bicep' = {
  scope: rg
  name: 'identity'
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module storage 'core/storage.bicep' = {
  scope: rg
  name: 'storage'
  params: {
    name: storageAccountName
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module monitoring 'core/monitoring.bicep' = {
  scope: rg
  name: 'monitoring'
  params: {
    logAnalyticsName: logAnalyticsName
    applicationInsightsName: applicationInsightsName
    location: location
    tags: tags
  }
}

module keyVault 'core/keyvault.bicep' = {
  scope: rg
  name: 'key-vault'
  params: {
    name: keyVaultName
    location: location
    tags: tags
  }
}

module pagerDutyApiKeySecret 'core/keyvault-secret.bicep' = if (!empty(pagerDutyApiKey)) {
  scope: rg
  name: 'secret-pagerduty-api-key'
  params: {
    keyVaultName: keyVaultName
    name: 'pagerduty-api-key'
    value: pagerDutyApiKey
  }
  dependsOn: [
    keyVault
  ]
}

module pagerDutyWebhookSecretSecret 'core/keyvault-secret.bicep' = if (!empty(pagerDutyWebhookSecret)) {
  scope: rg
  name: 'secret-pagerduty-webhook-secret'
  params: {
    keyVaultName: keyVaultName
    name: 'pagerduty-webhook-secret'
    value: pagerDutyWebhookSecret
  }
  dependsOn: [
    keyVault
  ]
}

module approvalSigningKeySecret 'core/keyvault-secret.bicep' = if (!empty(approvalSigningKey)) {
  scope: rg
  name: 'secret-approval-signing-key'
  params: {
    keyVaultName: keyVaultName
    name: 'approval-signing-key'
    value: approvalSigningKey
  }
  dependsOn: [
    keyVault
  ]
}

module webhookTokenSecret 'core/keyvault-secret.bicep' = if (!empty(azureMonitorWebhookToken)) {
  scope: rg
  name: 'secret-azure-monitor-webhook-token'
  params: {
    keyVaultName: keyVaultName
    name: 'azure-monitor-webhook-token'
    value: azureMonitorWebhookToken
  }
  dependsOn: [
    keyVault
  ]
}

module access 'app/access.bicep' = {
  scope: rg
  name: 'access'
  params: {
    principalId: identity.outputs.principalId
    identityResourceId: identityResourceId
    storageAccountName: storageAccountName
    applicationInsightsName: applicationInsightsName
    logAnalyticsWorkspaceName: logAnalyticsName
    keyVaultName: keyVaultName
  }
  dependsOn: [
    storage
    monitoring
    keyVault
  ]
}

module openAi 'app/openai.bicep' = if (deployOpenAi) {
  scope: rg
  name: 'openai'
  params: {
    name: '${abbrs.cognitiveServicesOpenAi}${resourceToken}'
    location: empty(openAiLocation) ? location : openAiLocation
    tags: tags
    principalId: identity.outputs.principalId
    identityResourceId: identityResourceId
    modelName: openAiModelName
    modelVersion: openAiModelVersion
    capacity: openAiCapacity
  }
}

module api 'app/api.bicep' = {
  scope: rg
  name: 'api'
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    serviceName: serviceName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storageAccountName
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    logAnalyticsCustomerId: monitoring.outputs.logAnalyticsCustomerId
    keyVaultName: keyVaultName
    keyVaultReferenceSettings: keyVaultReferenceSettings
    extraSettings: union({ AGENT_WRITES_ENABLED: agentWritesEnabled ? 'true' : 'false' }, pagerDutySettings, openAiSettings)
    durableAlwaysReadyInstances: durableAlwaysReadyInstances
    maximumInstanceCount: maximumInstanceCount
    authClientId: authClientId
  }
  // The host needs storage, and Key Vault references need the secrets and the reader role,
  // before the app first starts.
  dependsOn: [
    access
    pagerDutyApiKeySecret
    pagerDutyWebhookSecretSecret
    approvalSigningKeySecret
    webhookTokenSecret
  ]
}

module alertResponderRole 'app/alert-responder-role.bicep' = if (!empty(watchedGroupNames)) {
  name: 'alert-responder-role-${resourceToken}'
  params: {
    name: alertResponderRoleName
    roleName: 'SRE agent alert responder (${environmentName}, ${resourceToken})'
    assignableScopes: map(watchedGroupNames, group => '${subscription().id}/resourceGroups/${group}')
  }
}

module watchedGroupAccess 'app/watched-group-access.bicep' = [
  for group in watchedGroupNames: {
    scope: resourceGroup(group)
    name: 'watched-access-${resourceToken}-${uniqueString(group)}'
    params: {
      principalId: identity.outputs.principalId
      identityResourceId: identityResourceId
      alertResponderRoleName: alertResponderRoleName
      allowRemediation: allowRemediation
    }
    dependsOn: [
      alertResponderRole
    ]
  }
]

module actionGroup 'app/action-group.bicep' = if (wireActionGroup) {
  scope: rg
  name: 'action-group'
  params: {
    name: actionGroupName
    shortName: 'sreagent'
    tags: tags
    functionAppName: functionAppName
    webhookToken: azureMonitorWebhookToken
  }
  dependsOn: [
    api
  ]
}

// azd stores these outputs in the environment; the deploy hooks read them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output AZURE_FUNCTION_URL string = 'https://${api.outputs.defaultHostName}'
output AZURE_ACTION_GROUP_NAME string = actionGroupName
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output LOG_ANALYTICS_WORKSPACE_ID string = monitoring.outputs.logAnalyticsCustomerId
output AZURE_OPENAI_ENDPOINT string = deployOpenAi ? openAi!.outputs.endpoint : ''
