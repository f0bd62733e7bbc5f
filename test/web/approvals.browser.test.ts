import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { startTestApp, hasKinds, type TestApp } from "../support/app";
import { loopbackCertificate, sendJson, startFake, type RunningFake } from "../fakes/https";
import { startFakeArmActions, testCredential, type FakeArmActions } from "../fakes/armActions";
import { setAzureTlsOptions } from "../../src/investigation/azure";
import type { ThreadMessage } from "../../src/storage/threads";
import { DESKTOP, PHONE, describeWithBrowser, injectionTraces, launchBrowser, screenshot, watchForScriptInjection, type LaunchedBrowser } from "./browser";
import { XSS_DESCRIPTION, XSS_TITLE } from "./fixtures";

const SUBSCRIPTION = "/subscriptions/00000000-0000-0000-0000-000000000001";
const SAMPLE = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "samples", "app-service-http-5xx.json"), "utf8"));

/**
 * The whole app (intake, orchestration on the local durable runtime, approvals, pages) with a
 * failing health probe, so the rule-based analyst finds a real problem and proposes restarting
 * the App Service, which the quickstart handler (reader mode) offers for approval.
 */
describeWithBrowser("approvals in a browser", () => {
  let app: TestApp;
  let arm: FakeArmActions;
  let probe: RunningFake;
  let chromium: LaunchedBrowser;
  let context: BrowserContext;

  beforeAll(async () => {
    setAzureTlsOptions({ ca: loopbackCertificate });
    arm = await startFakeArmActions();
    probe = await startFake((_request, response) => sendJson(response, 503, { status: "unhealthy" }), { tls: false });
    // Every Azure endpoint points at the loopback fake, so no collector looks up a cloud host.
    app = await startTestApp({
      env: { AZURE_ARM_ENDPOINT: arm.url, AZURE_LOGS_ENDPOINT: arm.url, PAGERDUTY_API_URL: arm.url, VERIFY_DELAY_MINUTES: "0.01" },
      azureCredential: testCredential,
    });
    chromium = await launchBrowser();
  });

  afterAll(async () => {
    await chromium?.close();
    await app?.stop();
    await probe?.close();
    await arm?.close();
    setAzureTlsOptions(undefined);
  });

  beforeEach(async () => {
    context = await chromium.browser.newContext({ viewport: DESKTOP });
  });

  afterEach(async () => {
    await context.close();
  });

  /** Posts an App Service alert for a new site and returns its incident key and the site id. */
  async function postAlert(options: { rule?: string; description?: string } = {}): Promise<{ key: string; site: string }> {
    const id = randomUUID();
    const site = `${SUBSCRIPTION}/resourcegroups/rg-web/providers/microsoft.web/sites/app-${id.slice(0, 8)}`;
    arm.addSite(site, `${SUBSCRIPTION}/resourcegroups/rg-web/providers/microsoft.web/serverfarms/plan-${id.slice(0, 8)}`);
    const alert = structuredClone(SAMPLE);
    alert.data.essentials.alertId = `${SUBSCRIPTION}/providers/Microsoft.AlertsManagement/alerts/${id}`;
    alert.data.essentials.alertTargetIDs = [site];
    alert.data.essentials.configurationItems = [site.split("/").pop()];
    alert.data.essentials.firedDateTime = new Date().toISOString();
    if (options.rule) alert.data.essentials.alertRule = options.rule;
    if (options.description) alert.data.essentials.description = options.description;
    alert.data.customProperties.healthProbeUrl = `${probe.url}/health`;

    const accepted = await app.post("/api/alerts/azure-monitor", alert);
    expect(accepted.status).toBe(202);
    return { key: accepted.json.incidentKey as string, site };
  }

  async function approvalRequest(key: string): Promise<ThreadMessage> {
    const messages = await app.waitForThread(key, hasKinds("approval-requested"), 30_000);
    return messages.find((message) => message.kind === "approval-requested")!;
  }

  async function open(url: string, viewport = DESKTOP): Promise<Page> {
    const page = await context.newPage();
    await page.setViewportSize(viewport);
    await page.goto(url.startsWith("http") ? url : `${app.url}${url}`);
    return page;
  }

  test("approve on thread shows action result", async () => {
    const { key, site } = await postAlert();
    await approvalRequest(key);
    const page = await open(`/api/ui/incidents/${key}`);
    const form = page.locator("form.decision");
    await screenshot(page, "thread-awaiting-approval");

    await form.getByLabel("Your name or email").fill("Ada Lovelace");
    await Promise.all([page.waitForURL(/\/api\/approvals\//), form.getByRole("button", { name: "Approve appService.restart" }).click()]);
    await expect(page.locator("h1").textContent()).resolves.toMatch(/^Approved/);
    await screenshot(page, "approval-approved");
    await page.getByRole("link", { name: "Open the incident's thread" }).click();

    const action = page.locator("li.kind-action");
    await action.waitFor({ timeout: 30_000 });
    await expect(action.locator(".badge").first().textContent()).resolves.toBe("success");
    await expect(action.textContent()).resolves.toContain("approved by Ada Lovelace");
    expect(arm.sites.get(site.toLowerCase())?.restarts ?? arm.sites.get(site)?.restarts).toBe(1);
    await screenshot(page, "thread-action-result");
  });

  test("deny from the approval page", async () => {
    const { key, site } = await postAlert();
    const request = await approvalRequest(key);
    const link = (request.data as { link: string }).link;
    const page = await open(link, PHONE);
    await screenshot(page, "approval-page-phone");

    await page.getByLabel("Your name or email").fill("Grace Hopper");
    await page.getByLabel("Comment (optional)").fill("Not during the sale.");
    await page.getByRole("button", { name: "Deny" }).click();

    await expect(page.locator("h1").textContent()).resolves.toMatch(/^Denied/);
    const messages = await app.waitForThread(key, hasKinds("approval-decided"), 30_000);
    expect(messages.find((message) => message.kind === "approval-decided")?.data).toMatchObject({ state: "denied", by: "Grace Hopper", comment: "Not during the sale." });
    expect(arm.sites.get(site.toLowerCase())?.restarts ?? arm.sites.get(site)?.restarts).toBe(0);

    const thread = await open(`/api/ui/incidents/${key}`);
    const requested = thread.locator("li.kind-approval-requested");
    await expect(requested.locator(".badge").first().textContent()).resolves.toBe("denied");
    expect(await requested.locator("form").count()).toBe(0);

    const reused = await open(link);
    expect(await reused.locator("form").count()).toBe(0);
    await expect(reused.locator("main").textContent()).resolves.toContain("Grace Hopper");
  });

  test("expired link shows a clear page", async () => {
    // A handler whose approvals time out after 1.2 seconds, for alerts of one rule only.
    const handler = { order: 10, autonomy: "reader", match: { alertRules: ["expiring-rule"] }, approval: { timeoutMinutes: 0.02, onTimeout: "escalate" } };
    const put = await fetch(`${app.url}/api/handlers/expiring`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(handler) });
    expect(put.status).toBeLessThan(300);
    const { key } = await postAlert({ rule: "expiring-rule" });
    const messages = await app.waitForThread(key, hasKinds("approval-decided"), 30_000);
    const requested = messages.find((message) => message.kind === "approval-requested")!.data as { link: string; expiresAt: string };
    expect(messages.find((message) => message.kind === "approval-decided")?.data).toMatchObject({ state: "expired" });
    // The token's expiry is the record's rounded up to a whole second, so it can lag the timeout by up to a second.
    const tokenExpiry = Math.ceil(Date.parse(requested.expiresAt) / 1000) * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, tokenExpiry - Date.now() + 50)));
    const link = requested.link;

    const page = await context.newPage();
    const response = await page.goto(link);

    expect(response?.status()).toBe(410);
    await expect(page.locator("h1").textContent()).resolves.toMatch(/expired/i);
    await expect(page.locator("main .badge").first().textContent()).resolves.toBe("Expired");
    expect(await page.locator("form").count()).toBe(0);
    await screenshot(page, "approval-expired");

    const invalid = await page.goto(`${app.url}/api/approvals/not-a-token`);
    expect(invalid?.status()).toBe(400);
    await screenshot(page, "approval-invalid");
  });

  test("take over supersedes the pending approval", async () => {
    const { key } = await postAlert();
    await approvalRequest(key);
    const page = await open(`/api/ui/incidents/${key}`);

    await page.getByLabel("Your name", { exact: true }).fill("Linus");
    await Promise.all([page.waitForURL(`${app.url}/api/ui/incidents/${key}`), page.getByRole("button", { name: "Take over" }).click()]);

    const requested = page.locator("li.kind-approval-requested");
    await page.waitForFunction(() => document.querySelector("li.kind-approval-requested .badge")?.textContent === "superseded", undefined, { timeout: 30_000 });
    expect(await requested.locator("form").count()).toBe(0);
    await expect(page.locator("li.kind-takeover").textContent()).resolves.toContain("Linus took over the incident.");
  });

  test("hostile alert text is not run", async () => {
    const { key } = await postAlert({ rule: XSS_TITLE, description: XSS_DESCRIPTION });
    await app.waitForThread(key, hasKinds("routing"), 30_000);
    const page = await context.newPage();
    const findings = await watchForScriptInjection(page);

    await page.goto(`${app.url}/api/ui/incidents`);
    const row = page.locator(`tr[data-key="${key}"]`);
    const listText = (await row.textContent()) ?? "";
    const listTraces = await injectionTraces(page);
    await page.goto(`${app.url}/api/ui/incidents/${key}`);
    const threadText = (await page.locator("main").textContent()) ?? "";
    const threadTraces = await injectionTraces(page);

    expect(listText).toContain("<script>");
    expect(threadText).toContain(XSS_DESCRIPTION);
    expect(await page.locator("main img, main script, main svg[onload]").count()).toBe(0);
    expect(listTraces).toEqual({ xss: undefined, violations: [] });
    expect(threadTraces).toEqual({ xss: undefined, violations: [] });
    expect(findings).toEqual([]);
  });
});
