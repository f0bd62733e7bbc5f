import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

/** Debian's Chromium; `CHROMIUM_PATH` points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const SCREENSHOT_DIR = join(__dirname, "..", "..", "test-results", "screenshots");

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

/**
 * `describe` for browser tests. Without Chromium the tests are skipped with a console warning,
 * except under `CI=true`, where a missing browser fails the run instead of passing silently.
 */
export function describeWithBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(name, body);
    return;
  }
  if (process.env.CI === "true") {
    describe(name, () => {
      test("Chromium is installed", () => {
        throw new Error(`Chromium not found at ${CHROMIUM_PATH}; CI needs it for the browser tests. Install it with: apt-get install -y chromium`);
      });
    });
    return;
  }
  // Jest drops console output of a file whose tests are all skipped, so the notice goes to stderr directly.
  process.stderr.write(`\nSKIPPED browser tests "${name}": Chromium not found at ${CHROMIUM_PATH}. Install it with "apt-get install -y chromium" or set CHROMIUM_PATH.\n`);
  describe.skip(name, body);
}

export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with no background traffic to Google's services. Playwright gives
 * every `launch` a fresh temporary profile (`--user-data-dir`) and removes it on close; it refuses
 * the flag from callers.
 */
export async function launchBrowser(): Promise<LaunchedBrowser> {
  const args = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-extensions",
  ];
  // Chromium's sandbox cannot start as root (CI containers run as root).
  if (process.getuid?.() === 0) args.push("--no-sandbox");
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

/** Saves a full-page screenshot as `test-results/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Makes `page` record anything a script injection would do: `window.__xss` set by a payload,
 * a dialog (`alert`), and Content-Security-Policy violations. Returns the list they land in.
 */
export async function watchForScriptInjection(page: Page): Promise<string[]> {
  const findings: string[] = [];
  page.on("dialog", async (dialog) => {
    findings.push(`dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) findings.push(`csp: ${message.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      (window as unknown as { __cspViolations: string[] }).__cspViolations ??= [];
      (window as unknown as { __cspViolations: string[] }).__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return findings;
}

/** Returns what the injected payloads left in the page: the `__xss` flag and CSP violations. */
export async function injectionTraces(page: Page): Promise<{ xss: unknown; violations: string[] }> {
  return page.evaluate(() => ({
    xss: (window as unknown as { __xss?: unknown }).__xss,
    violations: (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [],
  }));
}
