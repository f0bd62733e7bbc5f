#!/bin/sh
# Wires the Azure Monitor action group to the intake function after code is deployed. The
# function key exists only once the deployed host has started, so the action group is deployed
# here (infra/app/action-group.bicep, which reads the key inside the deployment) rather than in
# the first provision. Then WIRE_ACTION_GROUP=true makes every later `azd provision` keep the
# receiver. No key is printed, written to a file or passed on a command line.
set -eu

root="$(cd "$(dirname "$0")/../.." && pwd)"

for name in AZURE_RESOURCE_GROUP AZURE_FUNCTION_APP_NAME AZURE_ACTION_GROUP_NAME AZURE_ENV_NAME; do
  eval "value=\${$name:-}"
  if [ -z "$value" ]; then
    echo "$name is missing from the azd environment: run azd provision first." >&2
    exit 1
  fi
done

if ! command -v az >/dev/null 2>&1; then
  echo "Azure CLI (az) is not installed, so the action group was not wired. Install it, sign in with az login, then run infra/hooks/postdeploy.sh through: azd hooks run postdeploy" >&2
  exit 1
fi

# The host creates its keys when it first starts after deployment, so wait up to about two minutes.
attempt=1
until az functionapp keys list --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME" --output none 2>/dev/null; do
  if [ "$attempt" -ge 12 ]; then
    echo "The host keys of $AZURE_FUNCTION_APP_NAME were not available after $attempt attempts. Check that the app started (Application Insights, Log stream), then run: azd hooks run postdeploy" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 10
done

# Parameters go through a private file, so the optional webhook token is not on a command line.
params="$(mktemp)"
trap 'rm -f "$params"' EXIT
chmod 600 "$params"
node -e '
  const env = process.env;
  const parameters = {
    name: { value: env.AZURE_ACTION_GROUP_NAME },
    shortName: { value: "sreagent" },
    tags: { value: { "azd-env-name": env.AZURE_ENV_NAME } },
    functionAppName: { value: env.AZURE_FUNCTION_APP_NAME },
    webhookToken: { value: env.AZURE_MONITOR_WEBHOOK_TOKEN ?? "" },
  };
  process.stdout.write(JSON.stringify({ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", contentVersion: "1.0.0.0", parameters }));
' >"$params"

az deployment group create \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --name action-group \
  --template-file "$root/infra/app/action-group.bicep" \
  --parameters "@$params" \
  --output none

azd env set WIRE_ACTION_GROUP true

echo "Action group $AZURE_ACTION_GROUP_NAME now posts alerts (common alert schema) to ${AZURE_FUNCTION_URL:-the function app}/api/alerts/azure-monitor with the function key. Route alert rules to it; see docs/deploy.md."
