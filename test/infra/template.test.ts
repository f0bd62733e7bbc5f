/**
 * Tests over the ARM template that the Bicep compiler produces from infra/main.bicep.
 *
 * The template is compiled by running `scripts/bicep/build.sh <temporary folder>`, which restores
 * the pinned Bicep CLI from NuGet when it is missing, then builds and lints. When no compiler can
 * be had (the script exits with status 3: no dotnet, or the restore failed) these tests are
 * skipped with a console message; under CI=true that is a failure instead. Any other failure of
 * the script (a compile error, or a linter warning) fails the tests with the compiler's output.
 *
 * The compiled template is expanded with test/infra/armTemplate.ts for a few sets of parameter
 * values, so the checks see the app settings and role assignments that Azure would create.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { readSettings } from "../../src/config/settings";
import { ArmTemplate, DeploymentTimeValue, ExpandedResource, Expansion, expandDeployment } from "./armTemplate";

const ROOT = join(__dirname, "..", "..");
const COMPILER_UNAVAILABLE = 3;

type Compilation = { template: ArmTemplate } | { skipReason: string } | { failure: string };

function compileTemplate(): Compilation {
  const outDir = mkdtempSync(join(tmpdir(), "bicep-out-"));
  try {
    const result = spawnSync("bash", [join(ROOT, "scripts", "bicep", "build.sh"), outDir], {
      encoding: "utf8",
      timeout: 300_000,
    });
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
    if (result.error) return { skipReason: `scripts/bicep/build.sh could not run: ${result.error.message}` };
    if (result.status === COMPILER_UNAVAILABLE) return { skipReason: output };
    if (result.status !== 0) return { failure: `scripts/bicep/build.sh exited with status ${result.status}:\n${output}` };
    return { template: JSON.parse(readFileSync(join(outDir, "main.json"), "utf8")) as ArmTemplate };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

const compilation = compileTemplate();
const isCi = process.env.CI === "true";

// Written to stderr directly: jest does not print console output of a file whose tests are all
// skipped.
if ("skipReason" in compilation && !isCi) {
  process.stderr.write(`Skipping the infrastructure template tests: no Bicep compiler.\n${compilation.skipReason}\n`);
}

const describeTemplate = "skipReason" in compilation && !isCi ? describe.skip : describe;

function compiledTemplate(): ArmTemplate {
  if ("template" in compilation) return compilation.template;
  if ("failure" in compilation) throw new Error(compilation.failure);
  throw new Error(`The Bicep compiler is required under CI=true.\n${compilation.skipReason}`);
}

// Distinctive secret values, so a test can find every place a secret ends up.
const SECRETS = {
  pagerDutyApiKey: "secret-value-pagerduty-api-key-7f3a",
  pagerDutyWebhookSecret: "secret-value-pagerduty-webhook-2b9c",
  approvalSigningKey: "secret-value-approval-signing-key-5d1e",
  azureMonitorWebhookToken: "secret-value-webhook-token-8e4f",
};

const MINIMAL_PARAMETERS = { environmentName: "sre-test", location: "eastus2" };

const FULL_PARAMETERS = {
  ...MINIMAL_PARAMETERS,
  ...SECRETS,
  pagerDutyFromEmail: "sre-agent@example.com",
  pagerDutyApiUrl: "https://api.eu.pagerduty.com",
  watchedResourceGroups: "rg-shop, rg-db,",
  allowRemediation: true,
  deployOpenAi: true,
  authClientId: "11111111-2222-4333-8444-555555555555",
  wireActionGroup: true,
};

const ROLE = {
  storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  storageQueueDataContributor: "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
  storageTableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
  monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  monitoringReader: "43d0d8ad-25c7-4714-9337-8ba259a9fe05",
  logAnalyticsReader: "73c42c96-874c-492b-b04d-ab87d138a893",
  websiteContributor: "de139f84-1756-47ae-9be6-808fbbe84772",
  virtualMachineContributor: "9980e02c-c2be-4d73-94e8-173b1dc7cf3c",
  cognitiveServicesOpenAiUser: "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
};

function resourcesOfType(expansion: Expansion, type: string): ExpandedResource[] {
  return expansion.resources.filter((resource) => resource.type.toLowerCase() === type.toLowerCase());
}

function single(expansion: Expansion, type: string): ExpandedResource {
  const found = resourcesOfType(expansion, type);
  expect(found).toHaveLength(1);
  return found[0];
}

function appSettings(expansion: Expansion): Record<string, string> {
  const site = single(expansion, "Microsoft.Web/sites");
  const siteConfig = site.properties.siteConfig as { appSettings: Array<{ name: string; value: unknown }> };
  return Object.fromEntries(siteConfig.appSettings.map((setting) => [setting.name, String(setting.value)]));
}

function identityOutputs(expansion: Expansion): { id: string; clientId: string; principalId: string } {
  return expansion.outputs["main/identity"] as { id: string; clientId: string; principalId: string };
}

function roleAssignments(expansion: Expansion): ExpandedResource[] {
  return resourcesOfType(expansion, "Microsoft.Authorization/roleAssignments");
}

function roleGuid(assignment: ExpandedResource): string {
  return String(assignment.properties.roleDefinitionId).split("/").pop() as string;
}

/** Collects every string in a value, with deployment-time values as their text. */
function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value instanceof DeploymentTimeValue) return [value.toString()];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([key, item]) => [key, ...stringsIn(item)]);
  return [];
}

describeTemplate("infra/main.bicep compiled template", () => {
  let template: ArmTemplate;
  let minimal: Expansion;
  let full: Expansion;

  beforeAll(() => {
    template = compiledTemplate();
    minimal = expandDeployment(template, MINIMAL_PARAMETERS);
    full = expandDeployment(template, FULL_PARAMETERS);
  });

  test("targets subscription scope", () => {
    expect(template.$schema).toMatch(/subscriptionDeploymentTemplate\.json/);
    const group = single(minimal, "Microsoft.Resources/resourceGroups");
    expect(group.name).toBe("rg-sre-test");
  });

  describe("host storage", () => {
    test("identity-based settings are complete", () => {
      for (const expansion of [minimal, full]) {
        const settings = appSettings(expansion);
        const storage = expansion.outputs["main/storage"] as Record<string, string>;

        expect(settings.AzureWebJobsStorage__credential).toBe("managedidentity");
        expect(settings.AzureWebJobsStorage__clientId).toBe(identityOutputs(expansion).clientId);
        expect(settings.AzureWebJobsStorage__blobServiceUri).toBe(`https://${storage.name}.blob.core.windows.net/`);
        expect(settings.AzureWebJobsStorage__queueServiceUri).toBe(`https://${storage.name}.queue.core.windows.net/`);
        expect(settings.AzureWebJobsStorage__tableServiceUri).toBe(`https://${storage.name}.table.core.windows.net/`);
        expect(settings).not.toHaveProperty("AzureWebJobsStorage");
        expect(settings).not.toHaveProperty("AzureWebJobsStorage__accountName");
      }
    });

    test("storage account disallows shared keys", () => {
      const account = single(minimal, "Microsoft.Storage/storageAccounts");
      expect(account.properties.allowSharedKeyAccess).toBe(false);
      expect(account.properties.allowBlobPublicAccess).toBe(false);
    });

    test("app identity has the three storage roles", () => {
      const account = single(minimal, "Microsoft.Storage/storageAccounts");
      const { principalId } = identityOutputs(minimal);
      const onAccount = roleAssignments(minimal).filter((assignment) => assignment.scope === account.id);

      expect(onAccount.map(roleGuid).sort()).toEqual(
        [ROLE.storageBlobDataOwner, ROLE.storageQueueDataContributor, ROLE.storageTableDataContributor].sort(),
      );
      for (const assignment of onAccount) {
        expect(assignment.properties.principalId).toBe(principalId);
        expect(assignment.properties.principalType).toBe("ServicePrincipal");
      }
    });

    test("deployment container exists", () => {
      const site = single(minimal, "Microsoft.Web/sites");
      const account = single(minimal, "Microsoft.Storage/storageAccounts");
      const container = single(minimal, "Microsoft.Storage/storageAccounts/blobServices/containers");
      const deployment = (site.properties.functionAppConfig as { deployment: { storage: Record<string, unknown> } }).deployment.storage;

      expect(container.name).toMatch(new RegExp(`^${account.name}/default/[a-z0-9-]{3,63}$`));
      const containerName = container.name.split("/")[2];
      expect(deployment.type).toBe("blobContainer");
      expect(deployment.value).toBe(`https://${account.name}.blob.core.windows.net/${containerName}`);
      expect(deployment.authentication).toEqual({
        type: "UserAssignedIdentity",
        userAssignedIdentityResourceId: identityOutputs(minimal).id,
      });
    });
  });

  describe("function app", () => {
    test("runs on Flex Consumption with runtime and scale settings", () => {
      const plan = single(minimal, "Microsoft.Web/serverfarms");
      const site = single(minimal, "Microsoft.Web/sites");
      const config = site.properties.functionAppConfig as {
        runtime: { name: string; version: string };
        scaleAndConcurrency: { maximumInstanceCount: number; instanceMemoryMB: number; alwaysReady: unknown[] };
      };

      expect(plan.evaluated.sku).toEqual({ name: "FC1", tier: "FlexConsumption" });
      expect(site.evaluated.kind).toBe("functionapp,linux");
      expect(config.runtime).toEqual({ name: "node", version: "22" });
      expect(config.scaleAndConcurrency.maximumInstanceCount).toBeGreaterThanOrEqual(40);
      expect([2048, 4096]).toContain(config.scaleAndConcurrency.instanceMemoryMB);
      expect(config.scaleAndConcurrency.alwaysReady).toEqual([{ name: "durable", instanceCount: 1 }]);
    });

    test("always-ready list is empty at zero", () => {
      const expansion = expandDeployment(compiledTemplate(), { ...MINIMAL_PARAMETERS, durableAlwaysReadyInstances: 0 });
      const site = single(expansion, "Microsoft.Web/sites");
      const config = site.properties.functionAppConfig as { scaleAndConcurrency: { alwaysReady: unknown[] } };
      expect(config.scaleAndConcurrency.alwaysReady).toEqual([]);
    });

    test("runs as the user-assigned identity", () => {
      const site = single(minimal, "Microsoft.Web/sites");
      const { id, clientId } = identityOutputs(minimal);

      expect(site.evaluated.identity).toEqual({ type: "UserAssigned", userAssignedIdentities: { [id]: {} } });
      expect(site.properties.keyVaultReferenceIdentity).toBe(id);
      expect(appSettings(minimal).AZURE_CLIENT_ID).toBe(clientId);
    });

    test("sets no settings that Flex Consumption rejects", () => {
      const settings = appSettings(full);
      for (const name of ["FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_NODE_DEFAULT_VERSION", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING"]) {
        expect(settings).not.toHaveProperty(name);
      }
    });

    test("app reads its settings as deployed", () => {
      const { clientId } = identityOutputs(full);
      const workspace = full.outputs["main/monitoring"] as Record<string, string>;
      const openAi = full.outputs["main/openai"] as Record<string, string>;

      const settings = readSettings(appSettings(full));

      expect(settings.azure.credential).toBe("managed-identity");
      expect(settings.azure.clientId).toBe(clientId);
      expect(settings.azure.logAnalyticsWorkspaceId).toBe(workspace.logAnalyticsCustomerId);
      expect(settings.storageTableServiceUri).toMatch(/^https:\/\/st[a-z0-9]+\.table\.core\.windows\.net$/);
      expect(settings.taskHub).toBe("sreagent");
      expect(settings.publicBaseUrl).toBe(`https://${full.outputs.main.AZURE_FUNCTION_APP_NAME}.azurewebsites.net`);
      expect(settings.pagerDuty.fromEmail).toBe("sre-agent@example.com");
      expect(settings.pagerDuty.apiUrl).toBe("https://api.eu.pagerduty.com");
      expect(settings.llm.provider).toBe("azure-openai");
      expect(settings.llm.azureEndpoint).toBe(openAi.endpoint.replace(/\/+$/, ""));
      expect(settings.llm.azureDeployment).toBe("gpt-4o-mini");
      expect(settings.llm.apiKey).toBeUndefined();
    });

    test("host.json task hub setting is set", () => {
      const hostJson = readFileSync(join(ROOT, "host.json"), "utf8");
      const names = [...hostJson.matchAll(/%([A-Za-z0-9_]+)%/g)].map((match) => match[1]);
      const settings = appSettings(minimal);
      for (const name of names) expect(settings).toHaveProperty(name);
    });
  });

  describe("monitoring", () => {
    test("local auth is off and ingestion is keyless", () => {
      const workspace = single(minimal, "Microsoft.OperationalInsights/workspaces");
      const insights = single(minimal, "Microsoft.Insights/components");
      const { principalId, clientId } = identityOutputs(minimal);
      const settings = appSettings(minimal);

      expect((workspace.properties.features as Record<string, unknown>).disableLocalAuth).toBe(true);
      expect(insights.properties.DisableLocalAuth).toBe(true);
      expect(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING).toBe(`ClientId=${clientId};Authorization=AAD`);

      const publisher = roleAssignments(minimal).filter((assignment) => assignment.scope === insights.id);
      expect(publisher.map(roleGuid)).toEqual([ROLE.monitoringMetricsPublisher]);
      expect(publisher[0].properties.principalId).toBe(principalId);
    });

    test("workspace id setting is the customer id", () => {
      const workspace = minimal.outputs["main/monitoring"] as Record<string, string>;
      expect(appSettings(minimal).LOG_ANALYTICS_WORKSPACE_ID).toBe(workspace.logAnalyticsCustomerId);
      expect(workspace.logAnalyticsCustomerId).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe("secrets", () => {
    test("key vault uses RBAC and grants secrets user", () => {
      const vault = single(minimal, "Microsoft.KeyVault/vaults");
      expect(vault.properties.enableRbacAuthorization).toBe(true);

      const onVault = roleAssignments(minimal).filter((assignment) => assignment.scope === vault.id);
      expect(onVault.map(roleGuid)).toEqual([ROLE.keyVaultSecretsUser]);
      expect(onVault[0].properties.principalId).toBe(identityOutputs(minimal).principalId);
    });

    test("secrets reach the app as Key Vault references", () => {
      const settings = appSettings(full);
      const vault = single(full, "Microsoft.KeyVault/vaults");
      const expected = {
        PAGERDUTY_API_KEY: "pagerduty-api-key",
        PAGERDUTY_WEBHOOK_SECRET: "pagerduty-webhook-secret",
        APPROVAL_SIGNING_KEY: "approval-signing-key",
        AZURE_MONITOR_WEBHOOK_TOKEN: "azure-monitor-webhook-token",
      };

      for (const [setting, secretName] of Object.entries(expected)) {
        expect(settings[setting]).toBe(`@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${secretName})`);
      }
      const secrets = resourcesOfType(full, "Microsoft.KeyVault/vaults/secrets").map((secret) => secret.name).sort();
      expect(secrets).toEqual(Object.values(expected).map((name) => `${vault.name}/${name}`).sort());
    });

    test("unset secrets add no setting", () => {
      const settings = appSettings(minimal);
      for (const name of ["PAGERDUTY_API_KEY", "PAGERDUTY_WEBHOOK_SECRET", "APPROVAL_SIGNING_KEY", "AZURE_MONITOR_WEBHOOK_TOKEN", "PAGERDUTY_FROM_EMAIL"]) {
        expect(settings).not.toHaveProperty(name);
      }
      expect(resourcesOfType(minimal, "Microsoft.KeyVault/vaults/secrets")).toEqual([]);
    });

    test("no secret in app settings or outputs", () => {
      const secretValues = Object.values(SECRETS);
      const settingsText = stringsIn(appSettings(full));
      const outputText = stringsIn(full.outputs);

      for (const value of secretValues) {
        expect(settingsText.filter((text) => text.includes(value))).toEqual([]);
        expect(outputText.filter((text) => text.includes(value))).toEqual([]);
      }
      expect(outputText.filter((text) => /listKeys/i.test(text))).toEqual([]);
    });

    test("secret values go only to Key Vault", () => {
      // The webhook token is also part of the action group's webhook URL, by design.
      const allowedTypes = new Set(["microsoft.keyvault/vaults/secrets", "microsoft.resources/deployments", "microsoft.insights/actiongroups"]);
      for (const resource of full.resources) {
        const texts = stringsIn(resource.properties);
        const leaked = Object.values(SECRETS).filter((value) => texts.some((text) => text.includes(value)));
        if (!allowedTypes.has(resource.type.toLowerCase())) expect({ resource: resource.id, leaked }).toEqual({ resource: resource.id, leaked: [] });
      }
    });

    test("template declares secret parameters secure", () => {
      const parameters = template.parameters ?? {};
      for (const name of Object.keys(SECRETS)) expect(parameters[name]?.type).toBe("securestring");
    });
  });

  describe("role scope", () => {
    test("no role assignment at subscription scope", () => {
      for (const expansion of [minimal, full]) {
        for (const assignment of roleAssignments(expansion)) {
          expect(assignment.deploymentScope).toMatch(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/);
          if (assignment.scope !== undefined) {
            expect(assignment.scope).toMatch(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+(\/|$)/);
          }
        }
      }
    });

    test("watched groups get read and alert roles", () => {
      const expansion = expandDeployment(compiledTemplate(), { ...MINIMAL_PARAMETERS, watchedResourceGroups: "rg-shop" });
      const role = single(expansion, "Microsoft.Authorization/roleDefinitions");
      const inShop = roleAssignments(expansion).filter((assignment) => assignment.deploymentScope.endsWith("/resourceGroups/rg-shop"));

      expect(inShop.map(roleGuid).sort()).toEqual([ROLE.monitoringReader, ROLE.logAnalyticsReader, role.name].sort());
      for (const assignment of inShop) {
        expect(assignment.scope).toBeUndefined();
        expect(assignment.properties.principalId).toBe(identityOutputs(expansion).principalId);
      }
    });

    test("alert responder role is minimal", () => {
      const role = single(full, "Microsoft.Authorization/roleDefinitions");
      const subscription = "/subscriptions/00000000-0000-4000-8000-000000000001";

      expect(role.properties.type).toBe("CustomRole");
      expect(role.properties.permissions).toEqual([
        {
          actions: ["Microsoft.AlertsManagement/alerts/read", "Microsoft.AlertsManagement/alerts/changestate/action"],
          notActions: [],
          dataActions: [],
          notDataActions: [],
        },
      ]);
      expect(role.properties.assignableScopes).toEqual([`${subscription}/resourceGroups/rg-shop`, `${subscription}/resourceGroups/rg-db`]);
    });

    test("write roles only when opted in", () => {
      const withoutOptIn = expandDeployment(compiledTemplate(), { ...MINIMAL_PARAMETERS, watchedResourceGroups: "rg-shop,rg-db" });
      const writeRoles = [ROLE.websiteContributor, ROLE.virtualMachineContributor];

      expect(roleAssignments(withoutOptIn).map(roleGuid).filter((role) => writeRoles.includes(role))).toEqual([]);

      for (const group of ["rg-shop", "rg-db"]) {
        const inGroup = roleAssignments(full).filter((assignment) => assignment.deploymentScope.endsWith(`/resourceGroups/${group}`));
        expect(inGroup.map(roleGuid)).toEqual(expect.arrayContaining(writeRoles));
      }
      const writeAssignments = roleAssignments(full).filter((assignment) => writeRoles.includes(roleGuid(assignment)));
      expect(writeAssignments).toHaveLength(4);
    });

    test("no watched groups means no custom role", () => {
      expect(resourcesOfType(minimal, "Microsoft.Authorization/roleDefinitions")).toEqual([]);
      expect(roleAssignments(minimal).every((assignment) => assignment.deploymentScope.endsWith("/resourceGroups/rg-sre-test"))).toBe(true);
    });

    test("role assignment names are unique", () => {
      const ids = roleAssignments(full).map((assignment) => assignment.id.toLowerCase());
      expect(new Set(ids).size).toBe(ids.length);
    });
  });

  describe("optional parts", () => {
    test("Azure OpenAI is keyless", () => {
      const account = single(full, "Microsoft.CognitiveServices/accounts");
      const settings = appSettings(full);
      const onAccount = roleAssignments(full).filter((assignment) => assignment.scope === account.id);

      expect(account.properties.disableLocalAuth).toBe(true);
      expect(account.properties.customSubDomainName).toBe(account.name);
      expect(onAccount.map(roleGuid)).toEqual([ROLE.cognitiveServicesOpenAiUser]);
      expect(settings.AZURE_OPENAI_ENDPOINT).toBe(`https://${account.name}.openai.azure.com/`);
      expect(settings.AZURE_OPENAI_DEPLOYMENT).toBe("gpt-4o-mini");
      expect(settings).not.toHaveProperty("AZURE_OPENAI_API_KEY");
      expect(settings).not.toHaveProperty("OPENAI_API_KEY");
    });

    test("no OpenAI by default", () => {
      expect(resourcesOfType(minimal, "Microsoft.CognitiveServices/accounts")).toEqual([]);
      expect(appSettings(minimal)).not.toHaveProperty("AZURE_OPENAI_ENDPOINT");
      expect(readSettings(appSettings(minimal)).llm.provider).toBeUndefined();
    });

    test("App Service authentication is off by default", () => {
      expect(resourcesOfType(minimal, "Microsoft.Web/sites/config")).toEqual([]);
    });

    test("App Service authentication excludes webhooks and health", () => {
      const auth = single(full, "Microsoft.Web/sites/config");
      const validation = auth.properties.globalValidation as Record<string, unknown>;

      expect(auth.name).toMatch(/\/authsettingsV2$/);
      expect(validation.requireAuthentication).toBe(true);
      expect(validation.excludedPaths).toEqual(["/api/alerts/azure-monitor", "/api/alerts/pagerduty", "/api/health"]);
    });

    test("action group waits for deployed code", () => {
      expect(resourcesOfType(minimal, "Microsoft.Insights/actionGroups")).toEqual([]);
    });

    test("action group posts to intake", () => {
      const group = single(full, "Microsoft.Insights/actionGroups");
      const receivers = group.properties.webhookReceivers as Array<Record<string, unknown>>;
      const appName = full.outputs.main.AZURE_FUNCTION_APP_NAME as string;
      const token = encodeURIComponent(SECRETS.azureMonitorWebhookToken);

      expect(receivers).toHaveLength(1);
      expect(receivers[0].useCommonAlertSchema).toBe(true);
      expect(receivers[0].serviceUri).toBe(
        `https://${appName}.azurewebsites.net/api/alerts/azure-monitor?code={{uriComponent(listKeys(${single(full, "Microsoft.Web/sites").id}/host/default).functionKeys.default)}}&token=${token}`,
      );
    });
  });

  describe("azd files", () => {
    test("parameters file matches the template", () => {
      const parametersFile = JSON.parse(readFileSync(join(ROOT, "infra", "main.parameters.json"), "utf8")) as {
        parameters: Record<string, { value: unknown }>;
      };
      const declared = template.parameters ?? {};

      for (const name of Object.keys(parametersFile.parameters)) expect(Object.keys(declared)).toContain(name);
      for (const [name, definition] of Object.entries(declared)) {
        if (!("defaultValue" in definition)) expect(Object.keys(parametersFile.parameters)).toContain(name);
      }
      for (const name of Object.keys(SECRETS)) {
        expect(String(parametersFile.parameters[name]?.value)).toMatch(/^\$\{[A-Z_]+=\}$/);
      }
    });

    test("azure.yaml packages the staged folder", () => {
      const azureYaml = readFileSync(join(ROOT, "azure.yaml"), "utf8");
      const packageScript = readFileSync(join(ROOT, "infra", "hooks", "package.sh"), "utf8");
      const funcignore = readFileSync(join(ROOT, ".funcignore"), "utf8").split("\n").map((line) => line.trim());

      expect(azureYaml).toMatch(/^\s+host: function$/m);
      expect(azureYaml).toMatch(/^\s+language: ts$/m);
      expect(azureYaml).toMatch(/^\s+remoteBuild: false$/m);
      expect(azureYaml).toMatch(/^\s+dist: \.tools\/deploy-package$/m);
      expect(packageScript).toContain('stage="$root/.tools/deploy-package"');

      const serviceName = /^services:\n {2}([a-z0-9-]+):$/m.exec(azureYaml)?.[1];
      const site = single(minimal, "Microsoft.Web/sites");
      expect((site.evaluated.tags as Record<string, string>)["azd-service-name"]).toBe(serviceName);
      for (const requiredEntry of ["/dist/", "dist/", "/host.json", "host.json", "/package.json", "package.json", "node_modules/", "/node_modules/"]) {
        expect(funcignore).not.toContain(requiredEntry);
      }
    });
  });
});
