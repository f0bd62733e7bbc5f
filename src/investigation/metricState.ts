import type { MetricState } from "./evidence";

/** Points at the end of a series that decide its state: all past the threshold means still breaching. */
export const DECIDING_POINTS = 3;

/**
 * Returns whether `value` is past `threshold` under an Azure metric alert operator
 * (`GreaterThan`, `GreaterThanOrEqual`, `LessThan`, `LessThanOrEqual`, `Equals`, `NotEquals`, or the
 * symbols `>`, `>=`, `<`, `<=`, `==`, `!=`). Undefined for an operator it does not know, such as
 * the dynamic-threshold `GreaterOrLessThan`.
 */
export function breaches(value: number, operator: string, threshold: number): boolean | undefined {
  switch (operator.trim().toLowerCase()) {
    case "greaterthan":
    case ">":
      return value > threshold;
    case "greaterthanorequal":
    case ">=":
      return value >= threshold;
    case "lessthan":
    case "<":
      return value < threshold;
    case "lessthanorequal":
    case "<=":
      return value <= threshold;
    case "equals":
    case "equal":
    case "==":
    case "=":
      return value === threshold;
    case "notequals":
    case "!=":
      return value !== threshold;
    default:
      return undefined;
  }
}

/**
 * Classifies a series (values oldest first, since the alert fired) against the alert's condition.
 * The state is `breaching` when the last `DECIDING_POINTS` points are all past the threshold,
 * `recovered` when none of them are, and `flapping` when they are mixed. It is `unknown` without a
 * usable operator, threshold or point.
 */
export function metricState(values: number[], operator: string | undefined, threshold: number | undefined): MetricState {
  if (operator === undefined || threshold === undefined || values.length === 0) return "unknown";
  const last = values.slice(-DECIDING_POINTS).map((value) => breaches(value, operator, threshold));
  if (last.some((result) => result === undefined)) return "unknown";
  if (last.every((result) => result === true)) return "breaching";
  if (last.every((result) => result === false)) return "recovered";
  return "flapping";
}

/** Combines the states of several series: any breaching series wins, then flapping, then recovered. */
export function worstState(states: MetricState[]): MetricState {
  for (const state of ["breaching", "flapping", "recovered"] as const) {
    if (states.includes(state)) return state;
  }
  return "unknown";
}
