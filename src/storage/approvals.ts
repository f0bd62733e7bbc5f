import type { TableEntity } from "@azure/data-tables";
import type { Services } from "../app/services";
import { isStatus, packText, unpackText, type TableStore } from "./tables";
import { safeKey } from "./keys";

/**
 * Approval records: one per action that the agent requests a person to approve, bound to that action by
 * tool name and a hash of its arguments. State changes use the entity's etag, so when several
 * people (or the orchestrator's timeout) decide at once, exactly one change wins.
 */

export type ApprovalState = "pending" | "approved" | "denied" | "expired" | "superseded";

export interface ApprovalRecord {
  incidentKey: string;
  /** Unique within the incident and stable across activity retries. */
  approvalId: string;
  /** The external event that carries the decision to the orchestration. */
  eventName: string;
  tool: string;
  arguments: Record<string, unknown>;
  argumentsHash: string;
  /** The analyst's reason for the action. */
  rationale: string;
  /** One line for people: what the action does to what. */
  description: string;
  handlerName: string;
  /** Names of the people who may decide. Empty means anyone who can open the link. */
  approvers: string[];
  state: ApprovalState;
  /** Random value carried by the token; a token for another request with the same id does not match it. */
  nonce: string;
  requestedAt: string;
  expiresAt: string;
  decidedBy?: string;
  decidedAt?: string;
  comment?: string;
  /** Reason the request ended without a person's decision (timeout, alert resolved, takeover). */
  reason?: string;
}

export interface StoredApproval {
  record: ApprovalRecord;
  etag: string;
}

export type TransitionResult = { won: true; record: ApprovalRecord } | { won: false; record: ApprovalRecord | undefined };

const TABLE = "approvals";

export class ApprovalStore {
  constructor(private readonly tables: TableStore) {}

  /** Inserts `record`; when a record with its id exists, returns that one unchanged. */
  async create(record: ApprovalRecord): Promise<{ created: boolean; stored: StoredApproval }> {
    const client = await this.tables.table(TABLE);
    try {
      const response = await client.createEntity(toEntity(record));
      return { created: true, stored: { record, etag: response.etag ?? "" } };
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
    }
    const existing = await this.get(record.incidentKey, record.approvalId);
    if (!existing) throw new Error(`Approval ${record.approvalId} of ${record.incidentKey} exists but cannot be read.`);
    return { created: false, stored: existing };
  }

  async get(incidentKey: string, approvalId: string): Promise<StoredApproval | undefined> {
    const client = await this.tables.table(TABLE);
    try {
      const entity = await client.getEntity<Record<string, unknown>>(safeKey(incidentKey), safeKey(approvalId));
      return { record: fromEntity(entity), etag: entity.etag as string };
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /**
   * Records a person's decision on the version of the record that the caller read and checked.
   * One attempt against that etag: when anyone changed the record since, the caller lost the race.
   */
  async decide(
    stored: StoredApproval,
    state: "approved" | "denied",
    fields: Pick<ApprovalRecord, "decidedBy" | "decidedAt"> & { comment?: string },
  ): Promise<TransitionResult> {
    const client = await this.tables.table(TABLE);
    if (stored.record.state !== "pending") return { won: false, record: stored.record };
    const next: ApprovalRecord = { ...stored.record, ...fields, state };
    try {
      await client.updateEntity(toEntity(next), "Replace", { etag: stored.etag });
      return { won: true, record: next };
    } catch (error) {
      if (!isStatus(error, 412)) throw error;
      return { won: false, record: (await this.get(stored.record.incidentKey, stored.record.approvalId))?.record };
    }
  }

  /**
   * Changes the record to `state` with `fields` when its state is one of `from`, re-reading and
   * retrying when another writer got there first. Returns `won: false` with the current record
   * when the state no longer allows the change (a person decided first, for example).
   */
  async transition(
    incidentKey: string,
    approvalId: string,
    from: ApprovalState[],
    state: ApprovalState,
    fields: Partial<Pick<ApprovalRecord, "decidedBy" | "decidedAt" | "comment" | "reason">> = {},
  ): Promise<TransitionResult> {
    const client = await this.tables.table(TABLE);
    for (let attempt = 0; attempt < 20; attempt++) {
      const stored = await this.get(incidentKey, approvalId);
      if (!stored) return { won: false, record: undefined };
      if (!from.includes(stored.record.state)) return { won: false, record: stored.record };

      const next: ApprovalRecord = { ...stored.record, ...fields, state };
      try {
        await client.updateEntity(toEntity(next), "Replace", { etag: stored.etag });
        return { won: true, record: next };
      } catch (error) {
        if (!isStatus(error, 412)) throw error;
      }
    }
    throw new Error(`Approval ${approvalId} of ${incidentKey} changed too often to update; try again.`);
  }

  /** Lists the approval records of an incident. */
  async list(incidentKey: string): Promise<ApprovalRecord[]> {
    const client = await this.tables.table(TABLE);
    const partition = safeKey(incidentKey).replace(/'/g, "''");
    const records: ApprovalRecord[] = [];
    for await (const entity of client.listEntities<Record<string, unknown>>({ queryOptions: { filter: `PartitionKey eq '${partition}'` } })) {
      records.push(fromEntity(entity));
    }
    records.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt) || a.approvalId.localeCompare(b.approvalId));
    return records;
  }

  /** Marks every pending approval of the incident `superseded`; returns the ones changed. */
  async supersedePending(incidentKey: string, reason: string): Promise<ApprovalRecord[]> {
    const changed: ApprovalRecord[] = [];
    for (const record of await this.list(incidentKey)) {
      if (record.state !== "pending") continue;
      const result = await this.transition(incidentKey, record.approvalId, ["pending"], "superseded", { reason });
      if (result.won) changed.push(result.record);
    }
    return changed;
  }

  /** Deletes every approval of `incidentKey`, for retention. */
  async deleteIncident(incidentKey: string): Promise<number> {
    const client = await this.tables.table(TABLE);
    let deleted = 0;
    for (const record of await this.list(incidentKey)) {
      try {
        await client.deleteEntity(safeKey(incidentKey), safeKey(record.approvalId));
        deleted++;
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
    }
    return deleted;
  }
}

function toEntity(record: ApprovalRecord): TableEntity {
  const entity: TableEntity = {
    partitionKey: safeKey(record.incidentKey),
    rowKey: safeKey(record.approvalId),
    state: record.state,
    tool: record.tool,
    requestedAt: record.requestedAt,
  };
  packText(entity, "record", JSON.stringify(record), 4);
  return entity;
}

function fromEntity(entity: Record<string, unknown>): ApprovalRecord {
  const json = unpackText(entity, "record");
  if (json === undefined) throw new Error(`Approval entity ${String(entity.rowKey)} has no record data.`);
  return JSON.parse(json) as ApprovalRecord;
}

/** Returns the app's approval store. */
export function approvalStore(services: Services): ApprovalStore {
  return services.memo("storage.approvals", () => new ApprovalStore(services.tables));
}
