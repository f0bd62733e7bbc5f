// Log Analytics workspace and workspace-based Application Insights. Local (key-based) auth is
// off on both, so telemetry is ingested with the app's Entra ID token (Monitoring Metrics
// Publisher, granted in app/access.bicep) and queries need Entra ID too.

param logAnalyticsName string
param applicationInsightsName string
param location string
param tags object = {}

@description('Days that the workspace keeps data.')
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    retentionInDays: retentionInDays
    sku: {
      name: 'PerGB2018'
    }
    features: {
      disableLocalAuth: true
    }
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

output logAnalyticsWorkspaceId string = workspace.id
output logAnalyticsWorkspaceName string = workspace.name
@description('Workspace (customer) id, the GUID that Log Analytics queries address.')
output logAnalyticsCustomerId string = workspace.properties.customerId
output applicationInsightsId string = applicationInsights.id
output applicationInsightsName string = applicationInsights.name
@description('Connection string with the ingestion endpoint; with local auth off it is no credential.')
output applicationInsightsConnectionString string = applicationInsights.properties.ConnectionString
