import type { Incident } from "./incident";
import { cut } from "./values";

/**
 * Largest serialized incident intake stores. The incident store packs the JSON into at most
 * 480,000 characters and cuts the rest, which would leave a record that cannot be parsed. This
 * bound keeps a wide margin and leaves room for the fields the workflow adds later.
 */
export const MAX_INCIDENT_CHARS = 200_000;

function size(incident: Incident): number {
  return JSON.stringify(incident).length;
}

function cutValues(values: Record<string, string> | undefined, max: number): Record<string, string> | undefined {
  if (!values) return values;
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, cut(value, max)]));
}

/**
 * Shrinks an oversized incident step by step until it fits `MAX_INCIDENT_CHARS`: first the extra
 * criteria, then long property values, dimensions and links, and finally the description and
 * query. The raw payload kept beside the incident still has everything.
 */
export function fitIncident(incident: Incident): Incident {
  if (size(incident) <= MAX_INCIDENT_CHARS) return incident;

  const fitted: Incident = structuredClone(incident);
  if (fitted.condition) delete fitted.condition.criteria;
  if (size(fitted) <= MAX_INCIDENT_CHARS) return fitted;

  fitted.customProperties = cutValues(fitted.customProperties, 500)!;
  if (fitted.condition) {
    fitted.condition.facts = cutValues(fitted.condition.facts, 500);
    fitted.condition.dimensions = fitted.condition.dimensions?.slice(0, 20).map((dimension) => ({ name: cut(dimension.name, 200), value: cut(dimension.value, 300) }));
  }
  fitted.links = fitted.links.filter((link) => link.url.length <= 4_000).slice(0, 10);
  if (size(fitted) <= MAX_INCIDENT_CHARS) return fitted;

  fitted.description = cut(fitted.description, 4_000);
  if (fitted.condition?.query) fitted.condition.query = cut(fitted.condition.query, 8_000);
  fitted.customProperties = Object.fromEntries(Object.entries(fitted.customProperties).slice(0, 20));
  fitted.relatedResources = fitted.relatedResources?.slice(0, 20);
  fitted.targets = fitted.targets.slice(0, 50);
  return fitted;
}
