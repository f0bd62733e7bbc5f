// Role assignments for the app's identity in one watched resource group: what the agent may
// read there, the alert responder role, and (only when remediation is allowed) the write
// roles that the restart and scale tools need. Every assignment is scoped to this group.

param principalId string

@description('Resource id of the identity; it seeds the role assignment names, which must be known before deployment.')
param identityResourceId string

@description('Name (a GUID) of the alert responder custom role definition.')
param alertResponderRoleName string

@description('Grants Website Contributor and Virtual Machine Contributor, so approved restarts and scaling can run.')
param allowRemediation bool = false

var readRoles = [
  '43d0d8ad-25c7-4714-9337-8ba259a9fe05' // Monitoring Reader
  '73c42c96-874c-492b-b04d-ab87d138a893' // Log Analytics Reader
]

var remediationRoles = [
  'de139f84-1756-47ae-9be6-808fbbe84772' // Website Contributor
  '9980e02c-c2be-4d73-94e8-173b1dc7cf3c' // Virtual Machine Contributor
]

var roleNames = concat(readRoles, [alertResponderRoleName], allowRemediation ? remediationRoles : [])

resource access 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleName in roleNames: {
    name: guid(resourceGroup().id, identityResourceId, roleName)
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleName)
    }
  }
]
