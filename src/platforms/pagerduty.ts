import type { Services } from "../app/services";
import type { Logger } from "../app/logger";
import { silentLogger } from "../app/logger";

/**
 * PagerDuty REST API v2 client over Node's fetch.
 *
 * Retries 429 (waiting for `ratelimit-reset` seconds when the header is there) and 5xx/408 with
 * exponential backoff, a bounded number of times. Any other 4xx becomes a `PagerDutyError` with
 * PagerDuty's error code and message. Any 2xx is success. The write helpers are safe to repeat,
 * because activities run at least once: `acknowledge` never reopens a resolved incident,
 * `resolve` treats an already resolved incident as done, and `addNote` skips a note whose marker
 * is already on the incident.
 */

export interface PagerDutyIncident {
  id: string;
  status: "triggered" | "acknowledged" | "resolved";
  title?: string;
  urgency?: string;
  priority?: { id: string; summary?: string; name?: string } | null;
  html_url?: string;
  assignments?: Array<{ assignee: { id: string; summary?: string } }>;
  [field: string]: unknown;
}

export interface PagerDutyNote {
  id: string;
  content: string;
  created_at?: string;
  user?: { id: string; summary?: string };
}

export interface PagerDutyAlert {
  id: string;
  status?: string;
  summary?: string;
  alert_key?: string;
  body?: unknown;
  [field: string]: unknown;
}

export interface PagerDutyPriority {
  id: string;
  name: string;
  description?: string;
}

/** A PagerDuty response that the client does not retry: a 4xx, or a 5xx/429 after the last attempt. */
export class PagerDutyError extends Error {
  override name = "PagerDutyError";

  constructor(
    message: string,
    readonly status: number,
    /** PagerDuty's error code (`error.code`), for example 1001 Incident Already Resolved. */
    readonly code?: number,
    readonly errors: string[] = [],
  ) {
    super(message);
  }
}

/** Error codes from PagerDuty's error reference that the client treats as "already done". */
export const PAGERDUTY_ERROR = {
  incidentAlreadyResolved: 1001,
  incidentAlreadyAcknowledged: 1002,
  rateLimitExceeded: 2020,
  incidentNotFound: 5001,
} as const;

export interface PagerDutyClientOptions {
  apiUrl: string;
  apiKey: string;
  /** Email of a user on the account; PagerDuty requires it on writes with an account key. */
  fromEmail: string;
  /** Attempts per request, the first included. */
  maxAttempts?: number;
  /** First backoff for 5xx and for a 429 without `ratelimit-reset`, doubled per attempt. */
  baseDelayMs?: number;
  /** Maximum length of one wait, whatever `ratelimit-reset` sets. */
  maxDelayMs?: number;
  /** Time limit for one HTTP request. */
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
}

export type AcknowledgeOutcome = "acknowledged" | "already-acknowledged" | "already-resolved";
export type ResolveOutcome = "resolved" | "already-resolved";

export interface AddNoteResult {
  note: PagerDutyNote;
  /** False when a note with the same marker was already on the incident. */
  created: boolean;
}

const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);

/** Maximum note length the client sends; longer content is cut and marked. */
// NOTE: this bound is chosen for readability; it is not a documented PagerDuty limit.
export const MAX_NOTE_CHARS = 20_000;

export class PagerDutyClient {
  private readonly apiUrl: string;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly requestTimeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly logger: Logger;
  private priorities?: Promise<PagerDutyPriority[]>;

  constructor(private readonly options: PagerDutyClientOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, "");
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
    this.fetchImpl = options.fetch ?? fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.logger = options.logger ?? silentLogger;
  }

  async getIncident(incidentId: string): Promise<PagerDutyIncident> {
    const body = await this.request<{ incident: PagerDutyIncident }>("GET", `/incidents/${encodeURIComponent(incidentId)}`);
    return body.incident;
  }

  /**
   * Acknowledges the incident unless it is already acknowledged or resolved. PagerDuty reopens a
   * resolved incident on acknowledge, so the state is read first.
   */
  async acknowledge(incidentId: string): Promise<AcknowledgeOutcome> {
    const incident = await this.getIncident(incidentId);
    if (incident.status === "resolved") return "already-resolved";
    if (incident.status === "acknowledged") return "already-acknowledged";

    try {
      await this.updateIncident(incidentId, { status: "acknowledged" });
      return "acknowledged";
    } catch (error) {
      if (hasCode(error, PAGERDUTY_ERROR.incidentAlreadyAcknowledged)) return "already-acknowledged";
      if (hasCode(error, PAGERDUTY_ERROR.incidentAlreadyResolved)) return "already-resolved";
      throw error;
    }
  }

  /** Resolves the incident; an incident that is already resolved counts as success. */
  async resolve(incidentId: string, resolution?: string): Promise<ResolveOutcome> {
    const incident = await this.getIncident(incidentId);
    if (incident.status === "resolved") return "already-resolved";

    try {
      await this.updateIncident(incidentId, { status: "resolved", ...(resolution ? { resolution: cut(resolution) } : {}) });
      return "resolved";
    } catch (error) {
      if (hasCode(error, PAGERDUTY_ERROR.incidentAlreadyResolved)) return "already-resolved";
      throw error;
    }
  }

  /**
   * Sets the incident's priority by name (`P1`, case-insensitive), looking the id up in the
   * account's priorities. Returns the priority set; a name the account lacks is an error.
   */
  async setPriority(incidentId: string, priorityName: string): Promise<PagerDutyPriority> {
    const priorities = await this.listPriorities();
    const wanted = priorityName.trim().toLowerCase();
    const priority = priorities.find((candidate) => candidate.name.trim().toLowerCase() === wanted);
    if (!priority) {
      const known = priorities.map((candidate) => candidate.name).join(", ") || "none (priorities are off on this account)";
      throw new PagerDutyError(`PagerDuty has no priority named "${priorityName}"; the account's priorities are ${known}.`, 400);
    }

    const incident = await this.getIncident(incidentId);
    if (incident.priority?.id === priority.id) return priority;
    await this.updateIncident(incidentId, { priority: { id: priority.id, type: "priority_reference" } });
    return priority;
  }

  /** Lists the account's priorities, once per client. */
  async listPriorities(): Promise<PagerDutyPriority[]> {
    if (!this.priorities) {
      this.priorities = this.listAll<PagerDutyPriority>("/priorities", "priorities");
      this.priorities.catch(() => (this.priorities = undefined));
    }
    return this.priorities;
  }

  async listNotes(incidentId: string): Promise<PagerDutyNote[]> {
    const body = await this.request<{ notes: PagerDutyNote[] }>("GET", `/incidents/${encodeURIComponent(incidentId)}/notes`);
    return body.notes ?? [];
  }

  /**
   * Adds a note that starts with `marker` unless a note containing `marker` is already on the
   * incident, so a retried call never posts twice. The marker must be unique per note: the
   * incident key and the step that writes it (see `noteMarker`).
   */
  async addNote(incidentId: string, marker: string, text: string): Promise<AddNoteResult> {
    for (let attempt = 1; ; attempt++) {
      const existing = (await this.listNotes(incidentId)).find((note) => note.content.includes(marker));
      if (existing) return { note: existing, created: false };

      try {
        // Only a 429 is retried inside the POST: PagerDuty rejected it unprocessed. After a 5xx or
        // a lost response the note may exist, so the loop lists the notes again before posting.
        const body = await this.request<{ note: PagerDutyNote }>(
          "POST",
          `/incidents/${encodeURIComponent(incidentId)}/notes`,
          { note: { content: cut(`${marker} ${text}`) } },
          { retryServerErrors: false },
        );
        return { note: body.note, created: true };
      } catch (error) {
        const status = error instanceof PagerDutyError ? error.status : 0;
        const unknownOutcome = status === 0 || status >= 500;
        if (!unknownOutcome || attempt >= this.maxAttempts) throw error;
        const delay = this.backoff(attempt);
        this.logger.warn("PagerDuty note may not have been stored; checking before posting again.", { incidentId, attempt, delayMs: delay, error: (error as Error).message });
        await this.sleep(delay);
      }
    }
  }

  async listIncidentAlerts(incidentId: string): Promise<PagerDutyAlert[]> {
    return this.listAll<PagerDutyAlert>(`/incidents/${encodeURIComponent(incidentId)}/alerts`, "alerts");
  }

  /** Returns the id of the user whose email is `email` (case-insensitive), or undefined. */
  async findUserIdByEmail(email: string): Promise<string | undefined> {
    const body = await this.request<{ users: Array<{ id: string; email?: string }> }>("GET", `/users?query=${encodeURIComponent(email)}`);
    const wanted = email.trim().toLowerCase();
    return (body.users ?? []).find((user) => user.email?.trim().toLowerCase() === wanted)?.id;
  }

  private updateIncident(incidentId: string, fields: Record<string, unknown>): Promise<unknown> {
    return this.request("PUT", `/incidents/${encodeURIComponent(incidentId)}`, {
      incident: { type: "incident_reference", ...fields },
    });
  }

  /** Follows PagerDuty's offset pagination (`more`), at most 10 pages of 100. */
  private async listAll<T>(path: string, field: string): Promise<T[]> {
    const items: T[] = [];
    const separator = path.includes("?") ? "&" : "?";
    for (let page = 0, offset = 0; page < 10; page++) {
      const body = await this.request<Record<string, unknown>>("GET", `${path}${separator}limit=100&offset=${offset}`);
      const batch = (body[field] as T[] | undefined) ?? [];
      items.push(...batch);
      if (body.more !== true || batch.length === 0) break;
      offset += batch.length;
    }
    return items;
  }

  /**
   * Sends one request, retrying 429 (after the rate-limit reset) and, unless `retryServerErrors`
   * is false, 5xx responses and network errors with backoff.
   */
  private async request<T>(method: "GET" | "PUT" | "POST", path: string, body?: unknown, options: { retryServerErrors?: boolean } = {}): Promise<T> {
    const retryServerErrors = options.retryServerErrors ?? true;
    const url = `${this.apiUrl}${path}`;
    const headers: Record<string, string> = {
      Authorization: `Token token=${this.options.apiKey}`,
      Accept: "application/vnd.pagerduty+json;version=2",
      From: this.options.fromEmail,
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";

    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.requestTimeoutMs),
        });
      } catch (error) {
        if (attempt >= this.maxAttempts || !retryServerErrors) {
          throw new PagerDutyError(`PagerDuty ${method} ${path} failed after ${attempt} attempts: ${(error as Error).message}`, 0);
        }
        const delay = this.backoff(attempt);
        this.logger.warn("PagerDuty request failed; retrying.", { method, path, attempt, delayMs: delay, error: (error as Error).message });
        await this.sleep(delay);
        continue;
      }

      const text = await response.text();
      if (response.ok) return parseBody<T>(text);

      const failure = parseError(text);
      const retryable = response.status === 429 || (retryServerErrors && RETRYABLE.has(response.status));
      if (retryable && attempt < this.maxAttempts) {
        const delay = response.status === 429 ? this.rateLimitDelay(response, attempt) : this.backoff(attempt);
        this.logger.warn("PagerDuty returned a retryable status; retrying.", { method, path, status: response.status, attempt, delayMs: delay });
        await this.sleep(delay);
        continue;
      }

      const detail = failure.message ? `: ${failure.message}${failure.code !== undefined ? ` (code ${failure.code})` : ""}` : "";
      const more = failure.errors.length > 0 ? ` ${failure.errors.join("; ")}` : "";
      const tries = RETRYABLE.has(response.status) ? ` after ${attempt} attempts` : "";
      throw new PagerDutyError(`PagerDuty ${method} ${path} returned HTTP ${response.status}${tries}${detail}.${more}`, response.status, failure.code, failure.errors);
    }
  }

  private rateLimitDelay(response: Response, attempt: number): number {
    const reset = Number(response.headers.get("ratelimit-reset"));
    if (response.headers.has("ratelimit-reset") && Number.isFinite(reset) && reset >= 0) {
      return Math.min(Math.ceil(reset * 1000), this.maxDelayMs);
    }
    return this.backoff(attempt);
  }

  private backoff(attempt: number): number {
    return Math.min(this.baseDelayMs * 2 ** (attempt - 1), this.maxDelayMs);
  }
}

/** Parses a 2xx body; any 2xx is success, so a body that is not JSON reads as empty. */
function parseBody<T>(text: string): T {
  try {
    return (text ? JSON.parse(text) : {}) as T;
  } catch {
    return {} as T;
  }
}

function parseError(text: string): { message?: string; code?: number; errors: string[] } {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown; code?: unknown; errors?: unknown } };
    const error = body.error ?? {};
    return {
      message: typeof error.message === "string" ? error.message : undefined,
      code: typeof error.code === "number" ? error.code : typeof error.code === "string" && /^\d+$/.test(error.code) ? Number(error.code) : undefined,
      errors: Array.isArray(error.errors) ? error.errors.map(String) : [],
    };
  } catch {
    return { message: text ? text.slice(0, 200) : undefined, errors: [] };
  }
}

function hasCode(error: unknown, code: number): boolean {
  return error instanceof PagerDutyError && error.code === code;
}

function cut(text: string): string {
  return text.length <= MAX_NOTE_CHARS ? text : `${text.slice(0, MAX_NOTE_CHARS - 20)}\n…[note cut]`;
}

/**
 * Returns the marker that starts every note the agent writes. The `[sre-agent` prefix lets intake
 * recognise the agent's own notes when they echo back as webhooks. The incident key and step make
 * each note unique, so `addNote` can find an earlier copy.
 */
export function noteMarker(incidentKey: string, step: string): string {
  return `[sre-agent ${incidentKey} ${step}]`;
}

/**
 * Returns the app's PagerDuty client, or undefined when `PAGERDUTY_API_KEY` is not set (PagerDuty
 * writes are off then). One client per app, so the priority list is read once.
 */
export function pagerDutyClient(services: Services): PagerDutyClient | undefined {
  const settings = services.settings.pagerDuty;
  if (!settings.apiKey || !settings.fromEmail) return undefined;
  return services.memo(PAGERDUTY_MEMO, () => new PagerDutyClient({ apiUrl: settings.apiUrl, apiKey: settings.apiKey!, fromEmail: settings.fromEmail! }));
}

/** The `services.memo` key of the PagerDuty client; tests may register their own client under it first. */
export const PAGERDUTY_MEMO = "platforms.pagerduty";
