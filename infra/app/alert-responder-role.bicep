// Custom role that lets the agent read Azure Monitor alerts and change their state
// (acknowledge, close) and nothing else. The built-in role that grants alert state changes,
// Monitoring Contributor, also allows editing alert rules, action groups and diagnostic
// settings. The role is assignable only in the watched resource groups.

targetScope = 'subscription'

@description('Role definition name, a GUID.')
param name string

@description('Display name, unique in the tenant.')
param roleName string

@description('Resource ids of the resource groups where the role may be assigned.')
param assignableScopes array

resource role 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: name
  properties: {
    roleName: roleName
    description: 'Read Azure Monitor alerts and change their state. Used by the SRE incident agent.'
    type: 'CustomRole'
    assignableScopes: assignableScopes
    permissions: [
      {
        actions: [
          'Microsoft.AlertsManagement/alerts/read'
          'Microsoft.AlertsManagement/alerts/changestate/action'
        ]
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
  }
}

output id string = role.id
