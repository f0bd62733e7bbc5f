import { readSettings } from "../../src/config/settings";
import { Services } from "../../src/app/services";
import { setAzureTlsOptions } from "../../src/investigation/azure";
import { ArmError, armFor, resourceIdProblem, type Arm } from "../../src/platforms/arm";
import { changeAlertState } from "../../src/platforms/azureMonitor";
import { restartVirtualMachine, restartWebApp, scaleOutAppServicePlan } from "../../src/platforms/azureResources";
import { loopbackCertificate } from "../fakes/https";
import { startFakeArmActions, testCredential, type FakeArmActions } from "../fakes/armActions";
import { testTables } from "../support/storage";

const SUB = "/subscriptions/00000000-0000-0000-0000-000000000001";
const ALERT = `${SUB}/providers/Microsoft.AlertsManagement/alerts/6f5e0d8a-0000-4000-8000-000000000001`;
const SITE = `${SUB}/resourceGroups/rg-shop/providers/Microsoft.Web/sites/checkout`;
const PLAN = `${SUB}/resourceGroups/rg-shop/providers/Microsoft.Web/serverfarms/plan-shop`;
const VM = `${SUB}/resourceGroups/rg-shop/providers/Microsoft.Compute/virtualMachines/vm-1`;

describe("Azure write actions", () => {
  let fake: FakeArmActions;
  let arm: Arm;

  beforeAll(async () => {
    setAzureTlsOptions({ ca: loopbackCertificate });
    fake = await startFakeArmActions();
    const settings = readSettings({ AZURE_ARM_ENDPOINT: fake.url });
    const services = new Services(settings, () => undefined as never, { tables: testTables("arm"), azureCredential: testCredential });
    arm = armFor(services)!;
  });

  afterAll(async () => {
    setAzureTlsOptions(undefined);
    await fake.close();
  });

  test("acknowledge sends changestate with a comment", async () => {
    const alert = fake.addAlert(ALERT);

    const result = await changeAlertState(arm, ALERT, "Acknowledged", "The agent is investigating.");

    expect(result.outcome).toBe("changed");
    expect(alert.state).toBe("Acknowledged");
    expect(alert.changes).toEqual([{ newState: "Acknowledged", comment: "The agent is investigating.", apiVersion: "2019-05-05-preview" }]);
    const post = fake.writes().at(-1)!;
    expect(post.headers.authorization).toBe("Bearer test-arm-token");
  });

  test("acknowledge never reopens a closed alert", async () => {
    const id = ALERT.replace("000000000001", "000000000002");
    const alert = fake.addAlert(id, "Closed");

    const result = await changeAlertState(arm, id, "Acknowledged", "again");

    expect(result.outcome).toBe("already-closed");
    expect(alert.changes).toHaveLength(0);
  });

  test("close twice changes state once", async () => {
    const id = ALERT.replace("000000000001", "000000000003");
    const alert = fake.addAlert(id, "Acknowledged");

    await changeAlertState(arm, id, "Closed", "Recovered.");
    const second = await changeAlertState(arm, id, "Closed", "Recovered.");

    expect(second.outcome).toBe("unchanged");
    expect(alert.changes.map((change) => change.newState)).toEqual(["Closed"]);
  });

  test("restart web app and VM", async () => {
    const site = fake.addSite(SITE, PLAN);
    const vm = fake.addVm(VM);

    expect(await restartWebApp(arm, SITE)).toBe(200);
    expect(await restartVirtualMachine(arm, VM)).toBe(202);
    expect(site.restarts).toBe(1);
    expect(vm.restarts).toBe(1);
  });

  test("scale out sets plan capacity once", async () => {
    const site2 = SITE.replace("checkout", "orders");
    const plan2 = PLAN.replace("plan-shop", "plan-orders");
    fake.addSite(site2, plan2, 2);

    const first = await scaleOutAppServicePlan(arm, site2, 4);
    const second = await scaleOutAppServicePlan(arm, site2, 4);

    expect(first).toEqual({ planId: plan2, previousCapacity: 2, capacity: 4, changed: true });
    expect(second.changed).toBe(false);
    expect(fake.plans.get(plan2.toLowerCase())).toEqual({ capacity: 4, puts: 1 });
  });

  test("ARM errors carry code and status", async () => {
    const error = await restartWebApp(arm, SITE.replace("checkout", "missing")).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ArmError);
    expect((error as ArmError).status).toBe(404);
    expect((error as ArmError).code).toBe("ResourceNotFound");
  });

  test("resource ids cannot carry paths or queries", () => {
    expect(resourceIdProblem(`${SITE}/../../x`, "Microsoft.Web/sites")).toBeDefined();
    expect(resourceIdProblem(`${SITE}?api-version=1`, "Microsoft.Web/sites")).toBeDefined();
    expect(resourceIdProblem(VM, "Microsoft.Web/sites")).toMatch(/needs Microsoft.Web\/sites/);
    expect(resourceIdProblem(SITE.toLowerCase(), "Microsoft.Web/sites")).toBeUndefined();
  });
});
