import type { Services } from "../../app/services";
import type { Settings } from "../../config/settings";
import type { Logger } from "../../app/logger";

/** Finds a PagerDuty user id by email (`GET /users?query=<email>`); the PagerDuty REST client implements it. */
export interface PagerDutyUserLookup {
  findUserIdByEmail(email: string): Promise<string | undefined>;
}

/** Prefix of every note the agent writes to PagerDuty, so intake recognises the note when it echoes back. */
export const AGENT_NOTE_PREFIX = "[sre-agent";

/** True when a PagerDuty note was written by the agent: `[sre-agent]` or `[sre-agent <key> <step>]` at its start. */
export function isAgentNote(content: string | null | undefined): boolean {
  if (!content) return false;
  const start = content.trimStart();
  return start.startsWith(`${AGENT_NOTE_PREFIX}]`) || start.startsWith(`${AGENT_NOTE_PREFIX} `);
}

/** How long a failed or empty lookup is trusted before it is tried again. */
const RETRY_LOOKUP_MS = 10 * 60_000;
/** Upper bound on waiting for the lookup inside a webhook request, which PagerDuty times out after 5 s. */
const LOOKUP_TIMEOUT_MS = 2_000;

/**
 * The agent's own PagerDuty user id, which marks its writes when they come back as webhooks. It
 * comes from `PAGERDUTY_AGENT_USER_ID`, or else is looked up once from `PAGERDUTY_FROM_EMAIL` and
 * cached. A lookup that fails or times out leaves the id unknown for a while, so intake still
 * responds in time, and echo detection then relies on the note prefix alone.
 */
export class PagerDutyAgentIdentity {
  private cached?: { id: string | undefined; until: number };
  private pending?: Promise<string | undefined>;

  constructor(
    private readonly settings: Pick<Settings["pagerDuty"], "agentUserId" | "fromEmail">,
    private readonly lookup?: PagerDutyUserLookup,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Returns the agent's user id, or undefined when it is not configured and cannot be looked up. */
  async userId(logger: Logger): Promise<string | undefined> {
    if (this.settings.agentUserId) return this.settings.agentUserId;
    const email = this.settings.fromEmail;
    if (!this.lookup || !email) return undefined;
    if (this.cached && (this.cached.id !== undefined || this.clock() < this.cached.until)) return this.cached.id;

    this.pending ??= this.lookup
      .findUserIdByEmail(email)
      .then((id) => {
        this.cached = { id, until: this.clock() + RETRY_LOOKUP_MS };
        if (!id) logger.warn("No PagerDuty user has the PAGERDUTY_FROM_EMAIL address; set PAGERDUTY_AGENT_USER_ID so the agent's own writes are recognised.");
        return id;
      })
      .catch((error) => {
        this.cached = { id: undefined, until: this.clock() + RETRY_LOOKUP_MS };
        logger.warn("Looking up the agent's PagerDuty user failed; its own writes are recognised by note prefix only until the next try.", {
          error: (error as Error).message,
        });
        return undefined;
      })
      .finally(() => {
        this.pending = undefined;
      });

    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), LOOKUP_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.pending, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

type LookupProvider = (services: Services) => PagerDutyUserLookup | undefined;

let lookupProvider: LookupProvider | undefined;

/**
 * Sets where intake gets the PagerDuty user lookup from; hosts call this at start-up with the
 * PagerDuty REST client, for example `setPagerDutyUserLookupProvider((services) => pagerDutyClient(services))`.
 */
export function setPagerDutyUserLookupProvider(provider: LookupProvider | undefined): void {
  lookupProvider = provider;
}

/** The `services.memo` key of the agent identity. */
export const AGENT_IDENTITY_MEMO = "intake.pagerDutyAgentIdentity";

/** Returns the agent identity of `services`, built once with the lookup the host provided. */
export function agentIdentity(services: Services): PagerDutyAgentIdentity {
  return services.memo(AGENT_IDENTITY_MEMO, () => new PagerDutyAgentIdentity(services.settings.pagerDuty, lookupProvider?.(services)));
}
