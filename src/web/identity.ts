import type { HttpRequest } from "@azure/functions";

/**
 * Header that App Service authentication sets to the signed-in user's name (usually the email or
 * UPN). App Service removes it from incoming requests and sets it itself, so it can be trusted only
 * where App Service authentication is switched on, as the pages require in Azure.
 */
export const PRINCIPAL_NAME_HEADER = "x-ms-client-principal-name";

const MAX_NAME_LENGTH = 100;

/** Returns the signed-in user's name from App Service authentication, or undefined when there is none (the local host). */
export function signedInUser(request: HttpRequest): string | undefined {
  return personName(request.headers.get(PRINCIPAL_NAME_HEADER));
}

/**
 * Cleans a person's name typed into a form: control characters removed, whitespace collapsed, at
 * most 100 characters. Returns undefined when nothing is left.
 */
export function personName(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const cleaned = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ").replace(/\s+/g, " ").trim();
  return cleaned === "" ? undefined : cleaned.slice(0, MAX_NAME_LENGTH);
}
