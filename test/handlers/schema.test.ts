import { defaultTools, TOOL_NAMES } from "../../src/tools/catalog";
import type { HandlerConfig, HandlerMatch } from "../../src/handlers/handler";
import { toHandler } from "../../src/handlers/defaults";
import { handlerNameProblem, handlerSchema, MAX_INSTRUCTIONS_LENGTH, validateHandlerConfig, type Violation } from "../../src/handlers/schema";

function violationsOf(value: unknown): Violation[] {
  const result = validateHandlerConfig(value);
  if (result.valid) throw new Error(`Expected ${JSON.stringify(value)} to be invalid.`);
  return result.violations;
}

function messageAt(value: unknown, pointer: string): string {
  const found = violationsOf(value).filter((violation) => violation.pointer === pointer);
  if (found.length !== 1) throw new Error(`Expected one violation at ${pointer}, got ${JSON.stringify(violationsOf(value))}.`);
  return found[0].message;
}

const DESIGN_EXAMPLE = {
  enabled: true,
  order: 100,
  match: {
    sources: ["azure-monitor", "pagerduty"],
    priorities: ["P4", "P5"],
    severities: ["Sev3"],
    services: ["checkout"],
    resourceTypes: ["microsoft.web/sites"],
    subscriptions: ["00000000-1111-2222-3333-444444444444"],
    resourceGroups: ["rg-shop"],
    alertRules: ["cpu-high"],
    titleIncludes: ["timeout"],
    titleExcludes: ["test"],
    titleRegex: "^prod-",
    tags: { team: "payments" },
  },
  autonomy: "reader",
  tools: ["pagerduty.acknowledge", "appService.restart"],
  instructions: "Prefer a restart over scaling for checkout.",
  approval: { timeoutMinutes: 30, approvers: ["oncall@example.com"], onTimeout: "escalate" },
  probe: { url: "https://checkout.example.com/health", allowedHosts: ["checkout.example.com"] },
  notify: { webhookUrl: "https://example.webhook.office.com/webhookb2/abc" },
  maxInstances: 5,
  runbooks: { "restart-worker": "https://example.azure-automation.net/webhooks?token=abc" },
  verifyAfterMinutes: 0.5,
};

describe("handler schema", () => {
  test("accepts the smallest handler", () => {
    expect(validateHandlerConfig({ autonomy: "reader" })).toEqual({ valid: true, config: { autonomy: "reader" } });
  });

  test("accepts every property", () => {
    const result = validateHandlerConfig(DESIGN_EXAMPLE);

    expect(result.valid).toBe(true);
  });

  test("lists the same properties as the types", () => {
    const configKeys = {
      enabled: true, order: true, match: true, autonomy: true, tools: true, instructions: true, approval: true,
      probe: true, notify: true, maxInstances: true, runbooks: true, verifyAfterMinutes: true,
    } satisfies Record<keyof HandlerConfig, true>;
    const matchKeys = {
      sources: true, priorities: true, severities: true, services: true, alertRules: true, subscriptions: true,
      resourceGroups: true, resourceTypes: true, titleIncludes: true, titleExcludes: true, titleRegex: true, tags: true,
    } satisfies Record<keyof HandlerMatch, true>;

    expect(Object.keys(handlerSchema.properties!).sort()).toEqual(Object.keys(configKeys).sort());
    expect(Object.keys(handlerSchema.properties!.match.properties!).sort()).toEqual(Object.keys(matchKeys).sort());
  });

  test("missing autonomy names the allowed values", () => {
    expect(messageAt({ order: 5 }, "/autonomy")).toBe("is required; use one of reader, autonomous");
  });

  test("unknown property suggests the intended one", () => {
    const message = messageAt({ autonomy: "reader", match: { priority: ["P1"] } }, "/match/priority");

    expect(message).toContain("did you mean priorities?");
    expect(message).toContain("allowed here: sources, priorities");
  });

  test("unknown tool lists the known tools", () => {
    const message = messageAt({ autonomy: "reader", tools: ["logs.query", "kubectl.delete"] }, "/tools/1");

    expect(message).toContain('"kubectl.delete" is not a known tool');
    for (const tool of TOOL_NAMES) expect(message).toContain(tool);
  });

  test("unknown priority lists P1 to P5", () => {
    expect(messageAt({ autonomy: "reader", match: { priorities: ["P6"] } }, "/match/priorities/0")).toBe(
      '"P6" is not a known priority; use one of P1, P2, P3, P4, P5',
    );
  });

  test("unknown severity and source list the allowed values", () => {
    const value = { autonomy: "reader", match: { severities: ["Sev5"], sources: ["opsgenie"] } };

    expect(messageAt(value, "/match/severities/0")).toContain("use one of Sev0, Sev1, Sev2, Sev3, Sev4");
    expect(messageAt(value, "/match/sources/0")).toContain("use one of azure-monitor, pagerduty");
  });

  test("invalid regex is rejected with the parser's reason", () => {
    const message = messageAt({ autonomy: "reader", match: { titleRegex: "prod-(" } }, "/match/titleRegex");

    expect(message).toMatch(/^is not a valid regular expression: .*Unterminated group/);
  });

  test.each([["(a+)+$"], ["^(\\w*)*x"], ["((ab)*c)+"], ["(x+){2,}"]])("nested repeat %s is rejected", (pattern) => {
    expect(messageAt({ autonomy: "reader", match: { titleRegex: pattern } }, "/match/titleRegex")).toContain("exponential time");
  });

  test.each([["^prod-"], ["(cpu|memory) high"], ["(ab)+c"], ["[(+]+x"], ["\\(a+\\)+"], ["^(P[12]) .*timeout$"]])(
    "safe regex %s is accepted",
    (pattern) => {
      expect(validateHandlerConfig({ autonomy: "reader", match: { titleRegex: pattern } }).valid).toBe(true);
    },
  );

  test("wrong types say the expected type", () => {
    const value = { autonomy: "reader", enabled: "yes", order: 1.5, match: { services: "checkout" }, tags: [] };

    expect(messageAt(value, "/enabled")).toBe("must be true or false");
    expect(messageAt(value, "/order")).toBe("must be a whole number");
    expect(messageAt(value, "/match/services")).toBe("must be a list");
  });

  test("every violation is listed with its pointer", () => {
    const violations = violationsOf({
      autonomy: "boss",
      order: -1,
      match: { priorities: [], titleRegex: "(" },
      tools: ["nope"],
      approval: { timeoutMinutes: 0, onTimeout: "ignore" },
    });

    expect(violations.map((violation) => violation.pointer).sort()).toEqual(
      ["/approval/onTimeout", "/approval/timeoutMinutes", "/autonomy", "/match/priorities", "/match/titleRegex", "/order", "/tools/0"].sort(),
    );
  });

  test("empty filter list is rejected", () => {
    expect(messageAt({ autonomy: "reader", match: { services: [] } }, "/match/services")).toBe(
      "must not be empty; omit the filter to match every incident",
    );
  });

  test("duplicate tools are rejected", () => {
    expect(messageAt({ autonomy: "reader", tools: ["vm.restart", "vm.restart"] }, "/tools")).toContain('lists "vm.restart" twice');
  });

  test("instructions have a length limit", () => {
    expect(validateHandlerConfig({ autonomy: "reader", instructions: "x".repeat(MAX_INSTRUCTIONS_LENGTH) }).valid).toBe(true);
    expect(messageAt({ autonomy: "reader", instructions: "x".repeat(MAX_INSTRUCTIONS_LENGTH + 1) }, "/instructions")).toBe(
      "is 4001 characters long; the limit is 4000",
    );
  });

  test("approval timeout may be fractional but must be positive", () => {
    expect(validateHandlerConfig({ autonomy: "reader", approval: { timeoutMinutes: 0.05 } }).valid).toBe(true);
    expect(messageAt({ autonomy: "reader", approval: { timeoutMinutes: 0 } }, "/approval/timeoutMinutes")).toBe(
      "is 0; it must be greater than 0",
    );
  });

  test("resource filters check their format", () => {
    const value = {
      autonomy: "reader",
      match: { subscriptions: ["/subscriptions/abc"], resourceGroups: ["/subscriptions/x/resourceGroups/rg"], resourceTypes: ["sites"] },
    };

    expect(messageAt(value, "/match/subscriptions/0")).toContain("use a subscription id");
    expect(messageAt(value, "/match/resourceGroups/0")).toContain("not a resource id");
    expect(messageAt(value, "/match/resourceTypes/0")).toContain("microsoft.web/sites");
  });

  test("URLs check scheme and credentials", () => {
    const value = {
      autonomy: "reader",
      probe: { url: "ftp://checkout.example.com/health", allowedHosts: ["https://checkout.example.com"] },
      notify: { webhookUrl: "http://hooks.example.com/x" },
      runbooks: { "bad name": "https://example.com/a", good: "https://user:secret@example.com/b" },
    };

    expect(messageAt(value, "/probe/url")).toBe("must be an http or https URL");
    expect(messageAt(value, "/probe/allowedHosts/0")).toContain("a host name without scheme");
    expect(messageAt(value, "/notify/webhookUrl")).toBe("must be an https URL (http is allowed on a loopback address only)");
    expect(messageAt(value, "/runbooks/bad name")).toContain("1 to 64 letters");
    expect(messageAt(value, "/runbooks/good")).toBe("must not contain a user name or password");
  });

  test("http webhook on loopback is accepted", () => {
    const value = { autonomy: "reader", notify: { webhookUrl: "http://127.0.0.1:8123/hook" }, runbooks: { r1: "http://localhost:9/x" } };

    expect(validateHandlerConfig(value).valid).toBe(true);
  });

  test("non-object handler is rejected", () => {
    expect(violationsOf([{ autonomy: "reader" }])).toEqual([{ pointer: "", message: "must be an object" }]);
  });
});

describe("handler names", () => {
  test.each([["p5-autonomous"], ["P1_reader"], ["a"], ["x".repeat(64)]])("%s is valid", (name) => {
    expect(handlerNameProblem(name)).toBeUndefined();
  });

  test.each([[""], ["has space"], ["a/b"], ["x".repeat(65)], ["dot.name"], ["ünïcode"]])("%j is invalid", (name) => {
    expect(handlerNameProblem(name)).toContain("use 1 to 64 letters, digits, '-' or '_'");
  });
});

describe("toHandler", () => {
  const defaults = { approvalTimeoutMinutes: 12 };

  test("fills the defaults", () => {
    const handler = toHandler("h", { autonomy: "autonomous" }, defaults);

    expect(handler).toEqual({
      name: "h",
      enabled: true,
      order: 100,
      match: {},
      autonomy: "autonomous",
      tools: defaultTools("autonomous"),
      approval: { timeoutMinutes: 12, approvers: [], onTimeout: "escalate" },
    });
  });

  test("keeps an empty tool list", () => {
    expect(toHandler("h", { autonomy: "reader", tools: [] }, defaults).tools).toEqual([]);
  });

  test("keeps configured values", () => {
    const handler = toHandler("h", DESIGN_EXAMPLE as HandlerConfig, defaults);

    expect(handler.order).toBe(100);
    expect(handler.tools).toEqual(["pagerduty.acknowledge", "appService.restart"]);
    expect(handler.approval).toEqual({ timeoutMinutes: 30, approvers: ["oncall@example.com"], onTimeout: "escalate" });
    expect(handler.verifyAfterMinutes).toBe(0.5);
  });

  test("copies the configuration", () => {
    const config: HandlerConfig = { autonomy: "reader", match: { priorities: ["P1"] } };
    const handler = toHandler("h", config, defaults);

    config.match!.priorities!.push("P2");

    expect(handler.match.priorities).toEqual(["P1"]);
  });
});
