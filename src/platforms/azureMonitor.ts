import { ArmError, type Arm } from "./arm";

/**
 * Azure Monitor alert state (Alerts Management): `New`, `Acknowledged` or `Closed`, the people's
 * workflow state of an alert instance, independent of the monitor condition (Fired/Resolved).
 */

export type AlertState = "New" | "Acknowledged" | "Closed";

/**
 * The 2019-05-05-preview API takes `{"comment": "..."}` with the state change, and writes the path
 * as the webhook's `essentials.alertId` (`/subscriptions/{sub}/providers/Microsoft.AlertsManagement/alerts/{id}`).
 */
// NOTE: the comment body follows the 2019-05-05-preview example files; it has not been tried against a live alert.
export const ALERTS_API_VERSION = "2019-05-05-preview";

const ALERT_ID = /^\/subscriptions\/[^/?#\s]+\/providers\/microsoft\.alertsmanagement\/alerts\/[^/?#\s]+$/i;

export type AlertStateOutcome = "changed" | "unchanged" | "already-closed";

export interface AlertStateResult {
  outcome: AlertStateOutcome;
  /** The alert's state as Azure reported it after the call. */
  state?: string;
}

/** Checks that `alertId` is an Alerts Management alert id; returns an error message or undefined. */
export function alertIdProblem(alertId: string): string | undefined {
  if (!ALERT_ID.test(alertId) || alertId.includes("..")) {
    return `"${alertId}" is not an Azure Monitor alert id of the form /subscriptions/{id}/providers/Microsoft.AlertsManagement/alerts/{alertId}.`;
  }
  return undefined;
}

/** Reads the alert's current state (`properties.essentials.alertState`). */
export async function getAlertState(arm: Arm, alertId: string): Promise<string | undefined> {
  const problem = alertIdProblem(alertId);
  if (problem) throw new ArmError(problem, 400, "InvalidAlertId");
  const response = await arm.request<{ properties?: { essentials?: { alertState?: string } } }>("GET", alertId, { apiVersion: ALERTS_API_VERSION });
  return response.body?.properties?.essentials?.alertState;
}

/**
 * Sets the alert's state with a comment. Safe to repeat: the state is read first, so a repeated
 * call changes nothing, and acknowledging never reopens a closed alert.
 */
export async function changeAlertState(arm: Arm, alertId: string, newState: Exclude<AlertState, "New">, comment: string): Promise<AlertStateResult> {
  const current = await getAlertState(arm, alertId);
  if (current === newState) return { outcome: "unchanged", state: current };
  if (current === "Closed" && newState === "Acknowledged") return { outcome: "already-closed", state: current };

  const response = await arm.request<{ properties?: { essentials?: { alertState?: string } } }>("POST", `${alertId}/changestate`, {
    apiVersion: ALERTS_API_VERSION,
    query: { newState },
    body: { comment },
  });
  return { outcome: "changed", state: response.body?.properties?.essentials?.alertState ?? newState };
}
