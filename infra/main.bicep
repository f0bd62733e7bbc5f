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

var serviceName = 'agent'
var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}'
var actionGroupName = '${abbrs.insightsActionGroups}${resourceToken}'

var watchedGroupNames = filter(map(split(watchedResourceGroups, ','), group => trim(group)), group => !empty(group))

// Secret name in Key Vault for each app setting, kept only for the secrets that are set.
var secretValues = [
  { setting: 'PAGERDUTY_API_KEY', secret: 'pagerduty-api-key', isSet: !empty(pagerDutyApiKey) }
  { setting: 'PAGERDUTY_WEBHOOK_SECRET', secret: 'pagerduty-webhook-secret', isSet: !empty(pagerDutyWebhookSecret) }
  { setting: 'APPROVAL_SIGNING_KEY', secret: 'approval-signing-key', isSet: !empty(approvalSigningKey) }
  { setting: 'AZURE_MONITOR_WEBHOOK_TOKEN', secret: 'azure-monitor-webhook-token', isSet: !empty(azureMonitorWebhookToken) }
]
var keyVaultReferenceSettings = toObject(
  filter(secretValues, entry => entry.isSet),
  entry => entry.setting,
  entry => entry.secret
)

var pagerDutySettings = union(
  empty(pagerDutyFromEmail) ? {} : { PAGERDUTY_FROM_EMAIL: pagerDutyFromEmail },
  empty(pagerDutyAgentUserId) ? {} : { PAGERDUTY_AGENT_USER_ID: pagerDutyAgentUserId }
)

var openAiSettings = deployOpenAi
  ? {
      AZURE_OPENAI_ENDPOINT: openAi!.outputs.endpoint
      AZURE_OPENAI_DEPLOYMENT: openAi!.outputs.deploymentName
    }
  : {}

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: empty(resourceGroupName) ? '${abbrs.resourcesResourceGroups}${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

module identity 'core/identity.bicep' = {
  scope: rg
  name: 'identity'
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage.bicep' = {
  scope: rg
  name: 'storage'
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module monitoring 'core/monitoring.bicep' = {
  scope: rg
  name: 'monitoring'
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

module keyVault 'core/keyvault.bicep' = {
  scope: rg
  name: 'key-vault'
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
  }
}

module pagerDutyApiKeySecret 'core/keyvault-secret.bicep' = if (!empty(pagerDutyApiKey)) {
  scope: rg
  name: 'secret-pagerduty-api-key'
  params: {
    keyVaultName: keyVault.outputs.name
    name: 'pagerduty-api-key'
    value: pagerDutyApiKey
  }
}

module pagerDutyWebhookSecretSecret 'core/keyvault-secret.bicep' = if (!empty(pagerDutyWebhookSecret)) {
  scope: rg
  name: 'secret-pagerduty-webhook-secret'
  params: {
    keyVaultName: keyVault.outputs.name
    name: 'pagerduty-webhook-secret'
    value: pagerDutyWebhookSecret
  }
}

module approvalSigningKeySecret 'core/keyvault-secret.bicep' = if (!empty(approvalSigningKey)) {
  scope: rg
  name: 'secret-approval-signing-key'
  params: {
    keyVaultName: keyVault.outputs.name
    name: 'approval-signing-key'
    value: approvalSigningKey
  }
}

module webhookTokenSecret 'core/keyvault-secret.bicep' = if (!empty(azureMonitorWebhookToken)) {
  scope: rg
  name: 'secret-azure-monitor-webhook-token'
  params: {
    keyVaultName: keyVault.outputs.name
    name: 'azure-monitor-webhook-token'
    value: azureMonitorWebhookToken
  }
}

module access 'app/access.bicep' = {
  scope: rg
  name: 'access'
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    logAnalyticsWorkspaceName: monitoring.outputs.logAnalyticsWorkspaceName
    keyVaultName: keyVault.outputs.name
  }
}

module openAi 'app/openai.bicep' = if (deployOpenAi) {
  scope: rg
  name: 'openai'
  params: {
    name: '${abbrs.cognitiveServicesOpenAi}${resourceToken}'
    location: empty(openAiLocation) ? location : openAiLocation
    tags: tags
    principalId: identity.outputs.principalId
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
    storageAccountName: storage.outputs.name
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    logAnalyticsCustomerId: monitoring.outputs.logAnalyticsCustomerId
    keyVaultName: keyVault.outputs.name
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
  name: 'alert-responder-role'
  params: {
    roleName: 'SRE agent alert responder (${environmentName}, ${resourceToken})'
    assignableScopes: map(watchedGroupNames, group => '${subscription().id}/resourceGroups/${group}')
  }
}

module watchedGroupAccess 'app/watched-group-access.bicep' = [
  for group in watchedGroupNames: {
    scope: resourceGroup(group)
    name: 'watched-access-${uniqueString(group)}'
    params: {
      principalId: identity.outputs.principalId
      alertResponderRoleId: alertResponderRole!.outputs.id
      allowRemediation: allowRemediation
    }
  }
]

module actionGroup 'app/action-group.bicep' = if (wireActionGroup) {
  scope: rg
  name: 'action-group'
  params: {
    name: actionGroupName
    shortName: 'sreagent'
    tags: tags
    functionAppName: api.outputs.name
    webhookToken: azureMonitorWebhookToken
  }
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
