/**
 * The approver's identity. Behind App Service authentication (Easy Auth) the platform sets
 * `x-ms-client-principal-name` and `x-ms-client-principal` (base64 JSON with the token's claims)
 * and strips any copies a client sends. Without it (the local host), the page has a name field.
 */

export interface ApproverIdentity {
  /** The name recorded with the decision. */
  name: string;
  /** Every name the person goes by (principal name, email, UPN), compared with the handler's approvers. */
  names: string[];
  source: "app-service" | "form";
}

type HeaderReader = { get(name: string): string | null };

const NAME_CLAIMS = new Set([
  "name",
  "preferred_username",
  "email",
  "emails",
  "upn",
  "unique_name",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
]);

/** Reads the App Service authentication identity from request headers, or undefined without one. */
export function identityFromHeaders(headers: HeaderReader): ApproverIdentity | undefined {
  const names: string[] = [];
  const principalName = headers.get("x-ms-client-principal-name")?.trim();
  if (principalName) names.push(principalName);

  const encoded = headers.get("x-ms-client-principal");
  if (encoded) {
    try {
      const principal = JSON.parse(Buffer.from(encoded, "base64").toString("utf8")) as {
        name_typ?: string;
        claims?: Array<{ typ?: string; val?: string }>;
      };
      for (const claim of principal.claims ?? []) {
        if (typeof claim.typ !== "string" || typeof claim.val !== "string" || claim.val.trim() === "") continue;
        if (NAME_CLAIMS.has(claim.typ) || claim.typ === principal.name_typ) names.push(claim.val.trim());
      }
    } catch {
      // A malformed principal header adds no names; the principal name header may still identify the person.
    }
  }

  if (names.length === 0) return undefined;
  return { name: names[0], names: [...new Set(names)], source: "app-service" };
}

/** Returns true when `identity` is one of `approvers` (case-insensitive); an empty list allows everyone. */
export function isAllowedApprover(identity: ApproverIdentity, approvers: string[]): boolean {
  if (approvers.length === 0) return true;
  const allowed = new Set(approvers.map((approver) => approver.trim().toLowerCase()));
  return identity.names.some((name) => allowed.has(name.toLowerCase()));
}
