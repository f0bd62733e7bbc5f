import { InvocationContext } from "@azure/functions";
import { setServices } from "../../src/app/services";
import type { Incident } from "../../src/intake/incident";
import { selectHandler } from "../../src/handlers/select";
import { handlerStore } from "../../src/handlers/store";
import { routeIncidentActivity } from "../../src/workflow/activities/route";
import { defaultTools } from "../../src/tools/catalog";
import { handlerTestServices } from "./services";
import { testIncident } from "../support/incident";

function incident(key: string, priority: Incident["priority"]): Incident {
  return testIncident({ key, sourceId: key, title: "CPU high on checkout", severity: "Sev2", priority });
}

async function twoHandlerServices() {
  const services = handlerTestServices("sel", { APPROVAL_TIMEOUT_MINUTES: "0.5" });
  const store = handlerStore(services);
  await store.put("p5-autonomous", { autonomy: "autonomous", order: 10, match: { priorities: ["P4", "P5"] } }, { origin: "api" });
  await store.put("p1-reader", { autonomy: "reader", order: 20, match: { priorities: ["P1"] }, tools: [] }, { origin: "api" });
  return services;
}

describe("selectHandler", () => {
  afterAll(() => setServices(undefined));

  test("P5 goes to the autonomous handler", async () => {
    const services = await twoHandlerServices();

    const decision = await selectHandler(services, incident("k1", "P5"));

    expect(decision.handler).toEqual({
      name: "p5-autonomous",
      enabled: true,
      order: 10,
      match: { priorities: ["P4", "P5"] },
      autonomy: "autonomous",
      tools: defaultTools("autonomous"),
      approval: { timeoutMinutes: 0.5, approvers: [], onTimeout: "escalate" },
    });
    expect(decision.evaluations).toEqual([
      { name: "p5-autonomous", order: 10, result: "matched" },
      { name: "p1-reader", order: 20, result: "not-evaluated" },
    ]);
  });

  test("P1 goes to the reader handler", async () => {
    const services = await twoHandlerServices();

    const decision = await selectHandler(services, incident("k2", "P1"));

    expect(decision.handler?.name).toBe("p1-reader");
    expect(decision.handler?.tools).toEqual([]);
    expect(decision.evaluations).toEqual([
      { name: "p5-autonomous", order: 10, result: "not-matched", filter: "priorities", reason: "priority P1 not in [P4, P5]" },
      { name: "p1-reader", order: 20, result: "matched" },
    ]);
  });

  test("no stored handler selects none", async () => {
    const services = handlerTestServices("sel");

    expect(await selectHandler(services, incident("k3", "P3"))).toEqual({ handler: null, evaluations: [] });
  });

  test("invalid stored handler is listed as disabled with the reason", async () => {
    const services = handlerTestServices("sel");
    await handlerStore(services).put("broken", { autonomy: "reader", order: 1, match: { priorities: ["P7"] } }, { origin: "api" });
    await handlerStore(services).put("fallback", { autonomy: "reader", order: 2 }, { origin: "api" });

    const decision = await selectHandler(services, incident("k4", "P2"));

    expect(decision.handler?.name).toBe("fallback");
    expect(decision.evaluations).toEqual([
      {
        name: "broken",
        order: 1,
        result: "disabled",
        reason:
          'its stored configuration is invalid (/match/priorities/0: "P7" is not a known priority; use one of P1, P2, P3, P4, P5); fix it with PUT /api/handlers/broken',
      },
      { name: "fallback", order: 2, result: "matched" },
    ]);
  });

  test("routing message explains both decisions", async () => {
    const services = await twoHandlerServices();
    setServices(services);
    await services.incidents.create(incident("azure-monitor-p1", "P1"));

    await routeIncidentActivity({ incidentKey: "azure-monitor-p1" }, new InvocationContext({ logHandler: () => undefined }));

    const [routing] = await services.threads.list("azure-monitor-p1");
    expect(routing.kind).toBe("routing");
    expect(routing.text).toBe(
      [
        "Handler p1-reader takes this incident (reader mode).",
        "p5-autonomous (order 10): not matched, priority P1 not in [P4, P5]",
        "p1-reader (order 20): matched",
      ].join("\n"),
    );
    expect((await services.incidents.get("azure-monitor-p1"))?.incident.handlerSnapshot?.name).toBe("p1-reader");
  });
});
