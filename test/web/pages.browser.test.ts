import type { BrowserContext, Page } from "playwright-core";
import { DESKTOP, PHONE, describeWithBrowser, injectionTraces, launchBrowser, screenshot, watchForScriptInjection, type LaunchedBrowser } from "./browser";
import { startPageServer, type PageServer } from "./pageServer";
import { sampleIncident, sampleThread, seedIncident, XSS_DESCRIPTION, XSS_TITLE } from "./fixtures";

describeWithBrowser("pages in a browser", () => {
  let server: PageServer;
  let chromium: LaunchedBrowser;
  let context: BrowserContext;
  const incident = sampleIncident();
  const older = sampleIncident({ key: "pagerduty-q1older", source: "pagerduty", title: "Database connections exhausted", priority: "P1", status: "resolved", verdict: undefined, createdAt: "2026-03-01T08:00:00.000Z", links: [] });
  const hostile = sampleIncident({
    key: "azure-monitor-hostile",
    title: XSS_TITLE,
    description: XSS_DESCRIPTION,
    service: `"><img src=x onerror="window.__xss='service'">`,
    handlerName: "<b>bold</b>",
    createdAt: "2026-02-28T08:00:00.000Z",
    links: [{ label: `<script>window.__xss='label'</script>`, url: `https://portal.azure.com/" onclick="window.__xss='href'` }],
  });

  beforeAll(async () => {
    server = await startPageServer();
    await seedIncident(server.services.incidents, server.services.threads, incident, sampleThread());
    await seedIncident(server.services.incidents, server.services.threads, older, []);
    await seedIncident(server.services.incidents, server.services.threads, hostile, [
      { id: "notice", author: "agent", kind: "notice", text: XSS_DESCRIPTION, data: { excerpt: XSS_TITLE } },
      {
        id: "evidence-logs-x",
        author: "agent",
        kind: "evidence",
        text: "logs",
        data: { id: "logs-x", collector: "logs", status: "success", summary: XSS_TITLE, attempted: { query: XSS_DESCRIPTION }, findings: { queries: [{ name: XSS_TITLE, columns: [XSS_TITLE], rows: [[XSS_DESCRIPTION]], rowCount: 1, status: "success" }] } },
      },
    ]);
    chromium = await launchBrowser();
  });

  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
  });

  beforeEach(async () => {
    context = await chromium.browser.newContext({ viewport: DESKTOP });
  });

  afterEach(async () => {
    await context.close();
  });

  async function open(path: string, viewport = DESKTOP): Promise<Page> {
    const page = await context.newPage();
    await page.setViewportSize(viewport);
    const response = await page.goto(`${server.url}${path}`);
    expect(response?.status()).toBe(200);
    return page;
  }

  test("list shows incidents newest first", async () => {
    const page = await open("/api/ui/incidents");

    const keys = await page.locator("#incident-rows tr[data-key]").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-key")));
    const row = page.locator(`tr[data-key="${incident.key}"]`);

    const tableOverflow = await page.locator(".table-scroll").evaluate((wrapper) => wrapper.scrollWidth - wrapper.clientWidth);

    expect(keys).toEqual([incident.key, older.key, hostile.key]);
    expect(tableOverflow).toBeLessThanOrEqual(0);
    await expect(row.locator('td[data-label="Time to acknowledge"]').textContent()).resolves.toBe("3 s");
    await expect(row.locator('td[data-label="Time to analysis"]').textContent()).resolves.toBe("45 s");
    await expect(row.locator('td[data-label="Handler"]').textContent()).resolves.toBe("quickstart");
    await screenshot(page, "list-desktop");
  });

  test("list fits a phone screen", async () => {
    const page = await open("/api/ui/incidents", PHONE);

    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    const label = await page.locator(`tr[data-key="${incident.key}"] td[data-label="Status"]`).evaluate((cell) => getComputedStyle(cell, "::before").content);

    expect(overflow).toBeLessThanOrEqual(0);
    expect(label).toBe('"Status"');
    await screenshot(page, "list-phone");
  });

  test("list filters by priority with a plain form", async () => {
    const page = await open("/api/ui/incidents");

    await page.getByLabel("Priority").selectOption("P1");
    await Promise.all([page.waitForURL(/priority=P1/), page.getByRole("button", { name: "Apply filters" }).click()]);

    const keys = await page.locator("#incident-rows tr[data-key]").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-key")));
    expect(keys).toEqual([older.key]);
  });

  test("list shows a new incident without a reload", async () => {
    const page = await open("/api/ui/incidents");
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    await page.getByText(/^Live, checked/).waitFor({ timeout: 20_000 });
    const fresh = sampleIncident({ key: "azure-monitor-fresh", title: "Disk almost full", priority: "P2", createdAt: "2026-03-03T00:00:00.000Z" });

    await server.services.incidents.create(fresh);

    await page.waitForSelector(`tr[data-key="${fresh.key}"]`, { timeout: 20_000 });
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await expect(page.locator("#list-status").textContent()).resolves.toMatch(/Incident list updated: \d+ incidents/);
    await server.services.incidents.delete(fresh.key);
  });

  test("thread shows evidence collapsed with its query", async () => {
    const page = await open(`/api/ui/incidents/${incident.key}`);
    const logs = page.locator("#evidence-logs-1");
    const query = logs.getByText("AppRequests | where Success == false");

    expect(await logs.evaluate((details) => (details as HTMLDetailsElement).open)).toBe(false);
    expect(await query.isVisible()).toBe(false);

    await logs.locator(":scope > summary").click();

    expect(await query.isVisible()).toBe(true);
    await expect(page.locator(".kind-analysis").textContent()).resolves.toContain("confidence 82%");
    await expect(page.getByRole("link", { name: "checkout in the Azure portal" }).getAttribute("href")).resolves.toMatch(/^https:\/\/portal\.azure\.com\//);
    expect(await page.getByText("Bad link").count()).toBe(0);
  });

  test("evidence link in the analysis opens the evidence", async () => {
    const page = await open(`/api/ui/incidents/${incident.key}`);

    await page.locator(".kind-analysis").getByRole("link", { name: "logs-1" }).click();

    await page.waitForFunction(() => (document.getElementById("evidence-logs-1") as HTMLDetailsElement).open, undefined, { timeout: 5000 });
  });

  test("thread draws the metric chart with its threshold", async () => {
    const page = await open(`/api/ui/incidents/${incident.key}`);
    const metrics = page.locator("#evidence-metrics-1");

    await metrics.locator(":scope > summary").click();

    const chart = metrics.locator("svg.chart");
    expect(await chart.isVisible()).toBe(true);
    expect(await chart.locator("line.threshold").count()).toBe(1);
    await expect(chart.locator("title").textContent()).resolves.toContain("threshold 80");
    await screenshot(page, "thread-desktop");
  });

  test("thread fits a phone screen", async () => {
    const page = await open(`/api/ui/incidents/${incident.key}`, PHONE);

    await page.locator("#evidence-metrics-1 > summary").click();

    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, "thread-phone");
  });

  test("thread keeps open evidence open while it updates", async () => {
    const page = await open(`/api/ui/incidents/${incident.key}`);
    await page.locator("#evidence-logs-1 > summary").click();

    await server.services.threads.append(incident.key, { id: "platform-1", author: "platform", kind: "platform-update", text: "PagerDuty: incident reassigned." });

    await page.getByText("PagerDuty: incident reassigned.").waitFor({ timeout: 20_000 });
    expect(await page.locator("#evidence-logs-1").evaluate((details) => (details as HTMLDetailsElement).open)).toBe(true);
  });

  test("take over from the thread page", async () => {
    const page = await open(`/api/ui/incidents/${incident.key}`);

    await page.getByLabel("Your name").fill("Grace Hopper");
    await Promise.all([page.waitForURL(`${server.url}/api/ui/incidents/${incident.key}`), page.getByRole("button", { name: "Take over" }).click()]);

    await expect(page.locator(".takeover").textContent()).resolves.toContain("Grace Hopper has taken this incident over");
    await expect(page.locator(".kind-takeover").textContent()).resolves.toContain("Grace Hopper took over the incident.");
    expect(await page.getByRole("button", { name: "Take over" }).count()).toBe(0);
    expect(server.port.events).toContainEqual({ instanceId: incident.key, eventName: "Takeover", data: { by: "Grace Hopper" } });
    await screenshot(page, "thread-taken-over");
  });

  test("hostile seeded text is not run", async () => {
    const page = await context.newPage();
    const findings = await watchForScriptInjection(page);

    await page.goto(`${server.url}/api/ui/incidents`);
    const listTitle = await page.locator(`tr[data-key="${hostile.key}"] td.title a`).textContent();
    const listTraces = await injectionTraces(page);

    await page.goto(`${server.url}/api/ui/incidents/${hostile.key}`);
    await page.locator("#evidence-logs-x > summary").click();
    await page.locator("#evidence-logs-x details > summary").first().click();
    await page.locator("#evidence-logs-x details > summary", { hasText: "Findings (JSON)" }).click();
    await page.hover("h1");
    const heading = await page.locator("h1").textContent();
    const main = (await page.locator("main").textContent()) ?? "";
    const injected = await page.evaluate(() => ({
      images: document.querySelectorAll("main img").length,
      svgOnload: document.querySelectorAll("main svg[onload]").length,
      scripts: Array.from(document.scripts).filter((script) => !script.nonce).length,
      handlers: Array.from(document.querySelectorAll("main *")).filter((element) => Array.from(element.attributes).some((attribute) => attribute.name.startsWith("on"))).length,
    }));
    const threadTraces = await injectionTraces(page);
    await screenshot(page, "thread-hostile");

    expect(listTitle).toBe(XSS_TITLE);
    expect(heading).toContain(XSS_TITLE);
    expect(main).toContain(XSS_DESCRIPTION);
    expect(injected).toEqual({ images: 0, svgOnload: 0, scripts: 0, handlers: 0 });
    expect(listTraces).toEqual({ xss: undefined, violations: [] });
    expect(threadTraces).toEqual({ xss: undefined, violations: [] });
    expect(findings).toEqual([]);
  });
});
