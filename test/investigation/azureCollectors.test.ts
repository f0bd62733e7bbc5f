import { setAzureTlsOptions } from "../../src/investigation/azure";
import { runCollector } from "../../src/investigation/collect";
import type { ChangeFindings, ResourceHealthFindings } from "../../src/investigation/evidence";
import { startArmFake, type ArmFake } from "../fakes/arm";
import { loopbackCertificate } from "../fakes/https";
import { fakeCredential, handler, incident, SITE, SUBSCRIPTION, silent, testServices } from "./support";

function minutesAgo(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString();
}

describe("Resource Health and changes collectors", () => {
  let arm: ArmFake;

  beforeAll(async () => {
    setAzureTlsOptions({ ca: loopbackCertificate });
    arm = await startArmFake();
  });
  afterAll(async () => {
    setAzureTlsOptions(undefined);
    await arm.close();
  });

  function services() {
    return testServices({ AZURE_ARM_ENDPOINT: arm.url }, fakeCredential());
  }

  describe("resource health", () => {
    const request = { collector: "resourceHealth" as const, target: SITE, evidenceId: "health-site" };

    test("unavailable status", async () => {
      arm.setHealth(SITE, {
        availabilityState: "Unavailable",
        title: "Unavailable",
        summary: "We're sorry, your app is unavailable.",
        reasonType: "Unplanned",
        occuredTime: minutesAgo(12),
      });

      const evidence = await runCollector(services(), incident(), handler(), request, silent);

      expect(evidence.status).toBe("success");
      const findings = evidence.findings as unknown as ResourceHealthFindings;
      expect(findings.availabilityState).toBe("Unavailable");
      expect(findings.occurredTime).toBeDefined();
      const sent = arm.requests.at(-1)!;
      expect(sent.path.toLowerCase()).toBe(`${SITE}/providers/microsoft.resourcehealth/availabilitystatuses/current`);
      expect(sent.query.get("api-version")).toBe("2025-05-01");
    });

    test("not found is no_data", async () => {
      const other = SITE.replace("checkout-web", "unknown-web");

      const evidence = await runCollector(services(), incident({ targets: [other] }), handler(), { ...request, target: other }, silent);

      expect(evidence.status).toBe("no_data");
      expect(evidence.response?.code).toBe("ResourceNotFound");
    });

    test("forbidden is an error", async () => {
      const locked = SITE.replace("checkout-web", "locked-web");
      arm.setHealth(locked, { status: 403, body: { error: { code: "AuthorizationFailed", message: "The client does not have authorization." } } });

      const evidence = await runCollector(services(), incident({ targets: [locked] }), handler(), { ...request, target: locked }, silent);

      expect(evidence.status).toBe("error");
      expect(evidence.response).toMatchObject({ status: 403, code: "AuthorizationFailed" });
    });
  });

  describe("recent changes", () => {
    const request = { collector: "changes" as const, target: SITE, evidenceId: "changes-site" };
    const deploymentId = `/subscriptions/${SUBSCRIPTION}/resourcegroups/rg-shop/providers/microsoft.resources/deployments/release-42`;

    beforeAll(() => {
      arm.pageSize = 2;
      arm.addEvents(SUBSCRIPTION, [
        { eventTimestamp: minutesAgo(40), operationName: "Microsoft.Web/sites/config/write", status: "Started", caller: "dev@example.com", resourceId: SITE, resourceGroupName: "rg-shop", operationId: "op-config" },
        { eventTimestamp: minutesAgo(39), operationName: "Microsoft.Web/sites/config/write", status: "Succeeded", caller: "dev@example.com", resourceId: SITE, resourceGroupName: "rg-shop", operationId: "op-config" },
        { eventTimestamp: minutesAgo(30), operationName: "Microsoft.Web/sites/config/list/action", status: "Succeeded", caller: "dev@example.com", resourceId: SITE, resourceGroupName: "rg-shop", operationId: "op-list" },
        { eventTimestamp: minutesAgo(25), operationName: "Microsoft.Resources/deployments/write", status: "Succeeded", caller: "pipeline@example.com", resourceId: deploymentId, resourceGroupName: "rg-shop", operationId: "op-deploy" },
        { eventTimestamp: minutesAgo(24), operationName: "Microsoft.Storage/storageAccounts/write", status: "Succeeded", caller: "dev@example.com", resourceId: `/subscriptions/${SUBSCRIPTION}/resourcegroups/rg-shop/providers/microsoft.storage/storageaccounts/other`, resourceGroupName: "rg-shop", operationId: "op-other" },
        { eventTimestamp: minutesAgo(60 * 5), operationName: "Microsoft.Web/sites/write", status: "Succeeded", caller: "old@example.com", resourceId: SITE, resourceGroupName: "rg-shop", operationId: "op-old" },
      ]);
    });
    afterAll(() => {
      arm.pageSize = 100;
    });

    test("writes and deployments before the alert", async () => {
      const evidence = await runCollector(services(), incident({ firedAt: minutesAgo(10) }), handler(), request, silent);

      expect(evidence.status).toBe("success");
      const findings = evidence.findings as unknown as ChangeFindings;
      expect(findings.changes.map((change) => change.operation)).toEqual(["Microsoft.Resources/deployments/write", "Microsoft.Web/sites/config/write"]);
      expect(findings.changes[1].status).toBe("Succeeded");
      expect(findings.deployments).toBe(1);
      expect(findings.changes[0].minutesBeforeFire).toBe(15);
      expect(evidence.discoveredResources).toEqual([deploymentId]);
      const filters = arm.requests.filter((sent) => /eventtypes/i.test(sent.path)).map((sent) => sent.query.get("$filter") ?? "");
      expect(filters.some((filter) => filter.includes(`resourceUri eq '${SITE}'`))).toBe(true);
      expect(filters.some((filter) => filter.includes("resourceGroupName eq 'rg-shop'"))).toBe(true);
      expect(arm.requests.some((sent) => sent.query.get("$skiptoken") !== null)).toBe(true);
    });

    test("quiet resource is no_data", async () => {
      const quiet = SITE.replace("rg-shop", "rg-quiet");
      const evidence = await runCollector(services(), incident({ targets: [quiet], firedAt: minutesAgo(10) }), handler(), { ...request, target: quiet }, silent);

      expect(evidence.status).toBe("no_data");
    });
  });

  test("every Azure collector is not_configured without a credential", async () => {
    const local = testServices({ AZURE_ARM_ENDPOINT: arm.url });
    const before = arm.requests.length;

    for (const collector of ["resourceHealth", "changes", "metrics", "logs"] as const) {
      const evidence = await runCollector(local, incident(), handler(), { collector, target: SITE, evidenceId: collector }, silent);
      expect(evidence.status).toBe("not_configured");
    }
    expect(arm.requests.length).toBe(before);
  });
});
