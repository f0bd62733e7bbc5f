import type { CollectorContext, CollectorOutcome } from "./collector";
import { isAbort, notConfigured } from "./collector";
import { armError, armRequest } from "./azure";
import type { ResourceHealthFindings } from "./evidence";

export const RESOURCE_HEALTH_API_VERSION = "2025-05-01";

interface AvailabilityStatus {
  properties?: {
    availabilityState?: string;
    title?: string;
    summary?: string;
    reasonType?: string;
    /** The API spells it `occuredTime`; newer versions may fix the spelling. */
    occuredTime?: string;
    occurredTime?: string;
  };
}

/** Reads the current availability status of one target (the Resource Health collector). */
export async function collectResourceHealth(context: CollectorContext): Promise<CollectorOutcome> {
  const credential = context.services.azureCredential;
  if (!credential) return notConfigured();
  const target = context.target;
  if (!target) return { status: "no_data", summary: "No target resource whose health could be read." };

  const path = `${target}/providers/Microsoft.ResourceHealth/availabilityStatuses/current`;
  Object.assign(context.attempt, { resource: target, url: `${path}?api-version=${RESOURCE_HEALTH_API_VERSION}` });

  let response;
  try {
    response = await armRequest(context.services, credential, { method: "GET", path, apiVersion: RESOURCE_HEALTH_API_VERSION, abortSignal: context.abortSignal });
  } catch (error) {
    if (isAbort(error, context.abortSignal)) throw error;
    return { status: "error", summary: `Reading Resource Health of ${target} failed: ${(error as Error).message}`, response: { message: (error as Error).message } };
  }

  if (response.status === 404) {
    const error = armError(response.body);
    return { status: "no_data", summary: `Resource Health has no status for ${target} (${error.code ?? "404"}).`, response: { status: 404, ...error } };
  }
  if (response.status !== 200) {
    const error = armError(response.body);
    return {
      status: "error",
      summary: `Reading Resource Health of ${target} failed with ${response.status}${error.code ? ` ${error.code}` : ""}: ${error.message ?? "no message"}`,
      response: { status: response.status, ...error },
    };
  }

  const properties = (response.body as AvailabilityStatus | undefined)?.properties ?? {};
  const findings: ResourceHealthFindings = {
    availabilityState: properties.availabilityState ?? "Unknown",
    title: properties.title,
    summary: properties.summary,
    reasonType: properties.reasonType,
    occurredTime: properties.occurredTime ?? properties.occuredTime,
  };
  return {
    status: "success",
    summary: `Resource Health reports ${target} ${findings.availabilityState}${findings.summary ? `: ${findings.summary}` : "."}`,
    response: { status: 200 },
    findings: { ...findings },
  };
}
