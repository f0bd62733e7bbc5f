import type { Incident } from "../intake/incident";
import type { Handler, HandlerMatch } from "./handler";
import { compileTitleRegex } from "./regex";

export type FilterName = keyof HandlerMatch;

/** Result of one handler when an incident was routed. */
export interface HandlerEvaluation {
  name: string;
  order: number;
  result: "matched" | "not-matched" | "not-evaluated" | "disabled";
  /** For `not-matched`: the first filter that failed. */
  filter?: FilterName;
  /** For `not-matched`: the first filter that failed and why, for example "priority P1 not in [P4, P5]". */
  reason?: string;
}

export interface RoutingDecision {
  handler: Handler | null;
  /** Every handler in the order they were considered. */
  evaluations: HandlerEvaluation[];
}

export type MatchResult = { matched: true } | { matched: false; filter: FilterName; reason: string };

/** Returns why `incident` fails the filter with `values`, or undefined when it passes. */
type FilterCheck<K extends FilterName> = (values: NonNullable<HandlerMatch[K]>, incident: Incident) => string | undefined;

/** The filters in the order they are checked; the first that fails explains the result. */
const FILTERS: { [K in FilterName]-?: FilterCheck<K> } = {
  sources: (values, incident) => checkOne("source", incident.source, values, { quote: false }),
  priorities: (values, incident) => checkOne("priority", incident.priority, values, { quote: false }),
  severities: (values, incident) => checkOne("severity", incident.severity, values, { quote: false }),
  services: (values, incident) => checkOne("service", incident.service, values),
  alertRules: (values, incident) => checkOne("alert rule", incident.alertRule, values),
  subscriptions: (values, incident) =>
    checkAny("subscription", incident.subscriptions.map(subscriptionId), values, subscriptionId),
  resourceGroups: (values, incident) =>
    checkAny("resource group", incident.resourceGroups.map(resourceGroupName), values, resourceGroupName),
  resourceTypes: (values, incident) => checkAny("resource type", incident.resourceTypes.map(resourceType), values, resourceType),
  titleIncludes: (values, incident) => {
    const title = lower(incident.title);
    if (values.some((value) => title.includes(lower(value)))) return undefined;
    return `title ${quoteTitle(incident.title)} contains none of [${values.map(quote).join(", ")}]`;
  },
  titleExcludes: (values, incident) => {
    const title = lower(incident.title);
    const excluded = values.find((value) => title.includes(lower(value)));
    return excluded === undefined ? undefined : `title ${quoteTitle(incident.title)} contains excluded ${quote(excluded)}`;
  },
  titleRegex: (pattern, incident) => {
    let regex: RegExp;
    try {
      regex = compileTitleRegex(pattern);
    } catch (error) {
      return `${(error as Error).message} Fix the handler's match.titleRegex.`;
    }
    return regex.test(incident.title) ? undefined : `title ${quoteTitle(incident.title)} does not match /${pattern}/i`;
  },
  tags: (tags, incident) => {
    const actual = new Map(Object.entries(incident.tags ?? {}).map(([name, value]) => [lower(name), value]));
    for (const [name, expected] of Object.entries(tags)) {
      const value = actual.get(lower(name));
      if (value === undefined) return `tag ${name} not set; needs ${quote(expected)}`;
      if (lower(value) !== lower(expected)) return `tag ${name} is ${quote(value)}, not ${quote(expected)}`;
    }
    return undefined;
  },
};

/** Checks every filter of `match` against `incident`; a failure names the first failing filter and why. */
export function matchIncident(match: HandlerMatch, incident: Incident): MatchResult {
  for (const filter of Object.keys(FILTERS) as FilterName[]) {
    const values = match[filter];
    if (values === undefined) continue;
    const reason = (FILTERS[filter] as FilterCheck<typeof filter>)(values as never, incident);
    if (reason !== undefined) return { matched: false, filter, reason };
  }
  return { matched: true };
}

/**
 * Routes `incident`: the first enabled handler, by `order` and then by name, whose filters all pass
 * takes it. Every handler gets an evaluation: disabled ones `disabled`, those after the match
 * `not-evaluated`.
 */
export function evaluate(handlers: Handler[], incident: Incident): RoutingDecision {
  const ordered = [...handlers].sort(compareHandlers);
  let chosen: Handler | null = null;
  const evaluations: HandlerEvaluation[] = [];

  for (const handler of ordered) {
    const base = { name: handler.name, order: handler.order };
    if (!handler.enabled) {
      evaluations.push({ ...base, result: "disabled" });
      continue;
    }
    if (chosen) {
      evaluations.push({ ...base, result: "not-evaluated" });
      continue;
    }

    const result = matchIncident(handler.match, incident);
    if (result.matched) {
      chosen = handler;
      evaluations.push({ ...base, result: "matched" });
    } else {
      evaluations.push({ ...base, result: "not-matched", filter: result.filter, reason: result.reason });
    }
  }

  return { handler: chosen, evaluations };
}

/** Orders handlers by `order`, then by name in code-point order, so routing never depends on storage order. */
export function compareHandlers(a: { name: string; order: number }, b: { name: string; order: number }): number {
  if (a.order !== b.order) return a.order - b.order;
  if (a.name === b.name) return 0;
  return a.name < b.name ? -1 : 1;
}

function checkOne(label: string, actual: string | undefined, allowed: readonly string[], options = { quote: true }): string | undefined {
  const list = `[${allowed.join(", ")}]`;
  if (actual === undefined || actual === "") return `${label} not set; needs one of ${list}`;
  if (allowed.some((value) => lower(value) === lower(actual))) return undefined;
  return `${label} ${options.quote ? quote(actual) : actual} not in ${list}`;
}

/** Passes when any of the incident's values (already normalized) is allowed. */
function checkAny(label: string, actual: string[], allowed: readonly string[], normalize: (value: string) => string): string | undefined {
  const list = `[${allowed.join(", ")}]`;
  if (actual.length === 0) return `${label} not known (the alert names no target resource); needs one of ${list}`;
  const allowedSet = new Set(allowed.map(normalize));
  if (actual.some((value) => allowedSet.has(value))) return undefined;
  const actualText = actual.length === 1 ? `${label} ${actual[0]}` : `${label}s [${actual.join(", ")}]`;
  return `${actualText} not in ${list}`;
}

function lower(value: string): string {
  return value.toLowerCase();
}

/** Accepts a subscription id or a resource id that starts with one. */
function subscriptionId(value: string): string {
  const match = /^\/?subscriptions\/([^/]+)/i.exec(value);
  return lower(match ? match[1] : value);
}

/** Accepts a resource group name or a resource id that contains one. */
function resourceGroupName(value: string): string {
  const match = /\/resourcegroups\/([^/]+)/i.exec(value);
  return lower(match ? match[1] : value);
}

function resourceType(value: string): string {
  return lower(value).replace(/^\/+|\/+$/g, "");
}

function quote(value: string): string {
  return JSON.stringify(value);
}

function quoteTitle(title: string): string {
  return quote(title.length > 80 ? `${title.slice(0, 79)}…` : title);
}
