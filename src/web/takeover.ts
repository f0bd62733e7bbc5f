import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { getServices } from "../app/services";
import { IncidentNotFoundError } from "../storage/incidents";
import { safeKey } from "../storage/keys";
import { EVENT } from "../workflow/names";
import { messagePage, seeOther } from "./layout";
import { CSRF_FIELD, verifyCsrf } from "./csrf";
import { personName, signedInUser } from "./identity";
import { INCIDENT_LIST_PATH, threadPath } from "./paths";

/** Form posts larger than this are refused; the form has two short fields. */
const MAX_FORM_BYTES = 8 * 1024;

/**
 * `POST /api/ui/incidents/{incidentKey}/takeover`: a person takes the incident over. Records who
 * on the incident (`takenOverBy`), appends a `takeover` message to the thread, and raises the
 * `Takeover` event so the orchestration stops writing, then sends the browser back to the thread.
 * A second take-over of the same incident changes nothing.
 */
export async function takeOverIncident(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const key = request.params.incidentKey;
  const back = { href: threadPath(key), label: "Back to the incident" };

  const body = await request.text();
  if (Buffer.byteLength(body) > MAX_FORM_BYTES) {
    context.warn("Take-over rejected: the form is too large.", { incidentKey: key, bytes: Buffer.byteLength(body) });
    return messagePage(413, "Form too large", "The take-over form is larger than expected.", back);
  }
  const form = new URLSearchParams(body);
  if (!verifyCsrf(request, form.get(CSRF_FIELD))) {
    context.warn("Take-over rejected: the CSRF token is missing or does not match the cookie.", { incidentKey: key });
    return messagePage(403, "Form expired", "The form's security token is missing or does not match. Reload the incident page and press Take over again.", back);
  }
  const by = signedInUser(request) ?? personName(form.get("name"));
  if (!by) {
    context.warn("Take-over rejected: no name and no App Service identity.", { incidentKey: key });
    return messagePage(400, "Name missing", "Enter your name, so the thread records who took the incident over.", back);
  }

  const services = getServices();
  const at = new Date();
  let previous: string | undefined;
  try {
    await services.incidents.update(key, (incident) => {
      if (incident.takenOverBy) {
        previous = incident.takenOverBy;
        return undefined;
      }
      return { ...incident, takenOverBy: by };
    });
  } catch (error) {
    if (error instanceof IncidentNotFoundError) {
      return messagePage(404, "Incident not found", `No incident has the key "${key}".`, { href: INCIDENT_LIST_PATH, label: "Back to the incidents" });
    }
    context.error("Failed to record the take-over.", { incidentKey: key, error: (error as Error).message });
    return messagePage(503, "Take-over failed", "The take-over could not be stored. Nothing changed; try again.", back);
  }
  if (previous !== undefined) return seeOther(threadPath(key));

  try {
    await services.threads.append(key, {
      id: "takeover",
      author: "human",
      kind: "takeover",
      text: `${by} took over the incident. The agent makes no further changes to it.`,
      data: { by, at: at.toISOString() },
    }, at);
  } catch (error) {
    // The incident record already stores who took over, and the thread message is only the record for people.
    context.error("Failed to append the take-over message to the thread.", { incidentKey: key, error: (error as Error).message });
  }

  try {
    const raised = await services.orchestrations(context).raiseEvent(safeKey(key), EVENT.takeover, { by });
    context.log("Incident taken over.", { incidentKey: key, orchestrationNotified: raised });
  } catch (error) {
    // TODO: a failed raise is not retried; the agent still reads `takenOverBy` before its writes.
    context.error("Failed to raise the take-over event on the orchestration.", { incidentKey: key, error: (error as Error).message });
  }
  return seeOther(threadPath(key));
}
