// Action group whose webhook receiver posts alerts to the intake function in the common alert
// schema. The URL carries the host's default function key, which exists only after code has
// been deployed, so this module runs after deployment: from infra/hooks/postdeploy.sh, and from
// main.bicep once that hook has set WIRE_ACTION_GROUP=true. The key stays inside the
// deployment: nothing here outputs it.

param name string

@maxLength(12)
param shortName string

param tags object = {}
param functionAppName string

@secure()
@description('Optional shared token that the intake function also requires (AZURE_MONITOR_WEBHOOK_TOKEN).')
param webhookToken string = ''

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

// Microsoft.Web/sites/host has no type definitions in Bicep (it has no PUT), so its keys are
// read with the listKeys function on its resource id.
var functionKey = listKeys('${site.id}/host/default', '2024-04-01').functionKeys.default
var tokenQuery = empty(webhookToken) ? '' : '&token=${uriComponent(webhookToken)}'

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: name
  location: 'global'
  tags: tags
  properties: {
    groupShortName: shortName
    enabled: true
    webhookReceivers: [
      {
        name: 'sre-agent-intake'
        serviceUri: 'https://${site.properties.defaultHostName}/api/alerts/azure-monitor?code=${uriComponent(functionKey)}${tokenQuery}'
        useCommonAlertSchema: true
        useAadAuth: false
      }
    ]
  }
}

output id string = actionGroup.id
output name string = actionGroup.name
