import { featureNotices, readSettings, SettingsError } from "../../src/config/settings";

describe("readSettings", () => {
  test("empty environment gives working defaults", () => {
    const settings = readSettings({});

    expect(settings.port).toBe(7071);
    expect(settings.publicBaseUrl).toBe("http://127.0.0.1:7071");
    expect(settings.localStoragePath).toBe(".local/storage");
    expect(settings.agentWritesEnabled).toBe(true);
    expect(settings.azure.credential).toBeUndefined();
    expect(settings.llm.provider).toBeUndefined();
    expect(settings.approvals.requireSignIn).toBe(false);
    expect(settings.retentionDays).toBe(90);
  });

  test("empty strings count as unset", () => {
    const settings = readSettings({ PAGERDUTY_API_KEY: "", PUBLIC_BASE_URL: " ", AZURE_CLIENT_ID: "" });

    expect(settings.pagerDuty.apiKey).toBeUndefined();
    expect(settings.publicBaseUrl).toBe("http://127.0.0.1:7071");
    expect(settings.azure.credential).toBeUndefined();
  });

  test("client id switches on managed identity", () => {
    expect(readSettings({ AZURE_CLIENT_ID: "11111111-2222-3333-4444-555555555555" }).azure.credential).toBe("managed-identity");
  });

  test("Azure host requires sign-in for approvals", () => {
    expect(readSettings({ WEBSITE_SITE_NAME: "agent" }).approvals.requireSignIn).toBe(true);
    expect(readSettings({ WEBSITE_SITE_NAME: "agent", APPROVAL_REQUIRE_SIGN_IN: "false" }).approvals.requireSignIn).toBe(false);
  });

  test("LLM provider follows the endpoint settings", () => {
    expect(readSettings({ AZURE_OPENAI_ENDPOINT: "https://example.openai.azure.com" }).llm.provider).toBe("azure-openai");
    expect(readSettings({ OPENAI_BASE_URL: "http://127.0.0.1:9/v1" }).llm.provider).toBe("openai-compatible");
  });

  test.each([
    [{ PORT: "seventy" }, "PORT"],
    [{ PORT: "0.5" }, "PORT"],
    [{ AGENT_WRITES_ENABLED: "maybe" }, "AGENT_WRITES_ENABLED"],
    [{ PUBLIC_BASE_URL: "ftp://example.com" }, "PUBLIC_BASE_URL"],
    [{ PAGERDUTY_HIGH_URGENCY_PRIORITY: "P9" }, "PAGERDUTY_HIGH_URGENCY_PRIORITY"],
    [{ AZURE_CREDENTIAL: "cli" }, "AZURE_CREDENTIAL"],
    [{ LLM_PROVIDER: "llama" }, "LLM_PROVIDER"],
    [{ PAGERDUTY_API_KEY: "key" }, "PAGERDUTY_FROM_EMAIL"],
    [{ PAGERDUTY_API_KEY: "key", PAGERDUTY_FROM_EMAIL: "not-an-email" }, "PAGERDUTY_FROM_EMAIL"],
  ])("malformed %o names %s", (env, name) => {
    expect(() => readSettings(env)).toThrow(SettingsError);
    expect(() => readSettings(env)).toThrow(name);
  });

  test("missing features are listed once each", () => {
    const notices = featureNotices(readSettings({}));

    expect(notices.some((notice) => notice.includes("PAGERDUTY_WEBHOOK_SECRET"))).toBe(true);
    expect(notices.some((notice) => notice.includes("PAGERDUTY_API_KEY"))).toBe(true);
    expect(notices.some((notice) => notice.includes("AZURE_CLIENT_ID"))).toBe(true);
    expect(new Set(notices).size).toBe(notices.length);
  });
});
