import type { TokenCredential } from "@azure/core-auth";
import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import type { Settings } from "../config/settings";

/**
 * Builds the Azure credential that the settings ask for, or none. Without `AZURE_CLIENT_ID` or
 * `AZURE_CREDENTIAL` nothing is built, so no code path probes the instance metadata endpoint.
 */
export function buildAzureCredential(settings: Settings): TokenCredential | undefined {
  switch (settings.azure.credential) {
    case "managed-identity":
      return settings.azure.clientId ? new ManagedIdentityCredential({ clientId: settings.azure.clientId }) : new ManagedIdentityCredential();
    case "default":
      return new DefaultAzureCredential(settings.azure.clientId ? { managedIdentityClientId: settings.azure.clientId } : undefined);
    default:
      return undefined;
  }
}
