import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { json, problem } from "../app/http";
import { getServices } from "../app/services";
import { isTransientStorageError } from "../storage/tables";
import type { RejectedPayload } from "../storage/rejected";
import { intakeStores } from "./stores";

/** Characters of each body shown in the list; `?id=` returns the whole stored body. */
const PREVIEW_CHARS = 2_000;

/**
 * `GET /api/rejected`: payloads that intake rejected, newest first, with the reason. Query
 * parameters: `limit` (1–500, default 50), `route` (for example `alerts/pagerduty`), and `id` for
 * one record with its full stored body.
 */
export async function listRejectedHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const limitText = request.query.get("limit");
  const limit = limitText === null ? 50 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    return problem(400, "Query parameter limit must be a whole number from 1 to 500.");
  }
  const route = request.query.get("route") ?? undefined;
  const id = request.query.get("id");

  try {
    const store = intakeStores(getServices()).rejected;
    if (id) {
      const record = await store.get(id);
      if (!record) return problem(404, `Rejected payload ${id} not found. GET /api/rejected lists the stored ones.`);
      return json(200, record);
    }
    const records = await store.list({ limit, route });
    return json(200, { rejected: records.map(preview) });
  } catch (error) {
    context.error("Listing rejected payloads failed.", { error: (error as Error).message });
    if (isTransientStorageError(error)) return problem(503, "Storage is unavailable; try again shortly.");
    return problem(500, `Listing rejected payloads failed: ${(error as Error).message}`);
  }
}

function preview(record: RejectedPayload) {
  const { body, ...rest } = record;
  return {
    ...rest,
    bodyPreview: body === undefined ? null : body.slice(0, PREVIEW_CHARS),
    bodyPreviewTruncated: body !== undefined && body.length > PREVIEW_CHARS,
  };
}
