import type { Incident } from "../../src/intake/incident";
import type { Handler, HandlerMatch } from "../../src/handlers/handler";
import { evaluate, matchIncident, type FilterName } from "../../src/handlers/match";
import { testIncident } from "../support/incident";

const SUBSCRIPTION = "00000000-1111-2222-3333-444444444444";
const SITE = `/subscriptions/${SUBSCRIPTION}/resourcegroups/rg-shop/providers/microsoft.web/sites/checkout`;

function incident(overrides: Partial<Incident> = {}): Incident {
  return testIncident({
    title: "Prod-Checkout: HTTP 5xx Timeout rate high",
    severity: "Sev3",
    priority: "P4",
    service: "Platform",
    alertRule: "checkout-5xx",
    targets: [SITE],
    subscriptions: [SUBSCRIPTION],
    resourceGroups: ["rg-shop"],
    resourceTypes: ["microsoft.web/sites"],
    tags: { Team: "Payments", env: "prod" },
    ...overrides,
  });
}

interface MatchCase {
  name: string;
  match: HandlerMatch;
  incident?: Partial<Incident>;
  /** Undefined when the handler must match; otherwise the filter that must fail and its reason. */
  fails?: { filter: FilterName; reason: string };
}

const CASES: MatchCase[] = [
  { name: "empty match takes everything", match: {} },
  { name: "source listed", match: { sources: ["pagerduty", "azure-monitor"] } },
  {
    name: "source not listed",
    match: { sources: ["pagerduty"] },
    fails: { filter: "sources", reason: "source azure-monitor not in [pagerduty]" },
  },
  { name: "priority listed", match: { priorities: ["P4", "P5"] } },
  {
    name: "priority not listed",
    match: { priorities: ["P4", "P5"] },
    incident: { priority: "P1" },
    fails: { filter: "priorities", reason: "priority P1 not in [P4, P5]" },
  },
  { name: "severity listed", match: { severities: ["Sev3"] } },
  {
    name: "severity missing on incident",
    match: { severities: ["Sev3"] },
    incident: { severity: undefined },
    fails: { filter: "severities", reason: "severity not set; needs one of [Sev3]" },
  },
  { name: "service ignores case", match: { services: ["PLATFORM"] } },
  {
    name: "service not listed",
    match: { services: ["checkout"] },
    fails: { filter: "services", reason: 'service "Platform" not in [checkout]' },
  },
  { name: "alert rule ignores case", match: { alertRules: ["Checkout-5XX"] } },
  {
    name: "alert rule missing on incident",
    match: { alertRules: ["cpu-high"] },
    incident: { alertRule: undefined },
    fails: { filter: "alertRules", reason: "alert rule not set; needs one of [cpu-high]" },
  },
  { name: "subscription ignores case", match: { subscriptions: [SUBSCRIPTION.toUpperCase()] } },
  {
    name: "subscription from a resource id on the incident",
    match: { subscriptions: [SUBSCRIPTION] },
    incident: { subscriptions: [`/subscriptions/${SUBSCRIPTION}`] },
  },
  {
    name: "subscription not listed",
    match: { subscriptions: ["99999999-1111-2222-3333-444444444444"] },
    fails: { filter: "subscriptions", reason: `subscription ${SUBSCRIPTION} not in [99999999-1111-2222-3333-444444444444]` },
  },
  { name: "resource group ignores case", match: { resourceGroups: ["RG-Shop"] } },
  {
    name: "resource group without targets",
    match: { resourceGroups: ["rg-shop"] },
    incident: { targets: [], subscriptions: [], resourceGroups: [], resourceTypes: [] },
    fails: { filter: "resourceGroups", reason: "resource group not known (the alert names no target resource); needs one of [rg-shop]" },
  },
  { name: "resource type ignores case", match: { resourceTypes: ["Microsoft.Web/sites"] } },
  {
    name: "any target's resource type matches",
    match: { resourceTypes: ["microsoft.compute/virtualmachines"] },
    incident: { resourceTypes: ["microsoft.web/sites", "microsoft.compute/virtualmachines"] },
  },
  {
    name: "resource type not listed",
    match: { resourceTypes: ["microsoft.compute/virtualmachines"] },
    fails: { filter: "resourceTypes", reason: "resource type microsoft.web/sites not in [microsoft.compute/virtualmachines]" },
  },
  { name: "title includes one of several, any case", match: { titleIncludes: ["latency", "TIMEOUT"] } },
  {
    name: "title includes none",
    match: { titleIncludes: ["latency", "cpu"] },
    fails: { filter: "titleIncludes", reason: 'title "Prod-Checkout: HTTP 5xx Timeout rate high" contains none of ["latency", "cpu"]' },
  },
  { name: "title excludes absent text", match: { titleExcludes: ["test", "canary"] } },
  {
    name: "title excludes present text, any case",
    match: { titleExcludes: ["canary", "5XX"] },
    fails: { filter: "titleExcludes", reason: 'title "Prod-Checkout: HTTP 5xx Timeout rate high" contains excluded "5XX"' },
  },
  { name: "include and exclude both pass", match: { titleIncludes: ["timeout"], titleExcludes: ["test"] } },
  {
    name: "include passes but exclude fails",
    match: { titleIncludes: ["timeout"], titleExcludes: ["prod"] },
    fails: { filter: "titleExcludes", reason: 'title "Prod-Checkout: HTTP 5xx Timeout rate high" contains excluded "prod"' },
  },
  { name: "title regex ignores case", match: { titleRegex: "^prod-checkout" } },
  {
    name: "title regex fails",
    match: { titleRegex: "^stage-" },
    fails: { filter: "titleRegex", reason: 'title "Prod-Checkout: HTTP 5xx Timeout rate high" does not match /^stage-/i' },
  },
  { name: "tags ignore name and value case", match: { tags: { team: "payments", ENV: "PROD" } } },
  {
    name: "tag with another value",
    match: { tags: { team: "core" } },
    fails: { filter: "tags", reason: 'tag team is "Payments", not "core"' },
  },
  {
    name: "tag missing",
    match: { tags: { owner: "alice" } },
    fails: { filter: "tags", reason: 'tag owner not set; needs "alice"' },
  },
  {
    name: "all filters pass together",
    match: {
      sources: ["azure-monitor"],
      priorities: ["P4"],
      severities: ["Sev3"],
      services: ["platform"],
      alertRules: ["checkout-5xx"],
      subscriptions: [SUBSCRIPTION],
      resourceGroups: ["rg-shop"],
      resourceTypes: ["microsoft.web/sites"],
      titleIncludes: ["timeout"],
      titleExcludes: ["test"],
      titleRegex: "5xx",
      tags: { team: "payments" },
    },
  },
  {
    name: "first failing filter is reported",
    match: { priorities: ["P1"], titleIncludes: ["nothing"] },
    fails: { filter: "priorities", reason: "priority P4 not in [P1]" },
  },
  {
    name: "long title is shortened in the reason",
    match: { titleIncludes: ["nothing"] },
    incident: { title: "x".repeat(200) },
    fails: { filter: "titleIncludes", reason: `title "${"x".repeat(79)}…" contains none of ["nothing"]` },
  },
];

describe("matchIncident", () => {
  test("covers at least 20 cases and every filter", () => {
    const filters = new Set(CASES.flatMap((entry) => Object.keys(entry.match)));

    expect(CASES.length).toBeGreaterThanOrEqual(20);
    expect([...filters].sort()).toEqual(
      ["alertRules", "priorities", "resourceGroups", "resourceTypes", "services", "severities", "sources", "subscriptions", "tags", "titleExcludes", "titleIncludes", "titleRegex"].sort(),
    );
  });

  test.each(CASES.map((entry) => [entry.name, entry] as const))("%s", (_name, entry) => {
    const result = matchIncident(entry.match, incident(entry.incident));

    if (entry.fails) {
      expect(result).toEqual({ matched: false, ...entry.fails });
    } else {
      expect(result).toEqual({ matched: true });
    }
  });
});

function handler(name: string, order: number, match: HandlerMatch, enabled = true): Handler {
  return {
    name,
    order,
    enabled,
    match,
    autonomy: "reader",
    tools: [],
    approval: { timeoutMinutes: 30, approvers: [], onTimeout: "escalate" },
  };
}

describe("evaluate", () => {
  test("first match by order wins and the rest are not evaluated", () => {
    const handlers = [
      handler("quickstart", 1000, {}),
      handler("p1-reader", 10, { priorities: ["P1"] }),
      handler("p5-autonomous", 20, { priorities: ["P4", "P5"] }),
      handler("catch-all", 500, {}),
    ];

    const decision = evaluate(handlers, incident({ priority: "P5" }));

    expect(decision.handler?.name).toBe("p5-autonomous");
    expect(decision.evaluations).toEqual([
      { name: "p1-reader", order: 10, result: "not-matched", filter: "priorities", reason: "priority P5 not in [P1]" },
      { name: "p5-autonomous", order: 20, result: "matched" },
      { name: "catch-all", order: 500, result: "not-evaluated" },
      { name: "quickstart", order: 1000, result: "not-evaluated" },
    ]);
  });

  test("disabled handler takes nothing", () => {
    const handlers = [handler("off", 1, {}, false), handler("on", 2, {})];

    const decision = evaluate(handlers, incident());

    expect(decision.handler?.name).toBe("on");
    expect(decision.evaluations.map((evaluation) => evaluation.result)).toEqual(["disabled", "matched"]);
  });

  test("equal order falls back to name", () => {
    const handlers = [handler("zeta", 5, {}), handler("alpha", 5, {}), handler("Beta", 5, {})];

    const decision = evaluate(handlers, incident());

    expect(decision.handler?.name).toBe("Beta");
    expect(decision.evaluations.map((evaluation) => evaluation.name)).toEqual(["Beta", "alpha", "zeta"]);
  });

  test("no match returns no handler", () => {
    const handlers = [handler("p1", 1, { priorities: ["P1"] }), handler("off", 2, {}, false)];

    const decision = evaluate(handlers, incident({ priority: "P3" }));

    expect(decision.handler).toBeNull();
    expect(decision.evaluations).toEqual([
      { name: "p1", order: 1, result: "not-matched", filter: "priorities", reason: "priority P3 not in [P1]" },
      { name: "off", order: 2, result: "disabled" },
    ]);
  });

  test("no handlers returns no handler", () => {
    expect(evaluate([], incident())).toEqual({ handler: null, evaluations: [] });
  });
});
