import { redact, redactDeep } from "../../src/analysis/redact";

describe("redact", () => {
  test.each([
    ["storage connection string", "DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=q83vEXAMPLEKEYq83vEXAMPLEKEYq83vEXAMPLEKEYq83vEXAMPLEKEYq83vEXAMPLEKEY12345678==;EndpointSuffix=core.windows.net", "q83vEXAMPLE"],
    ["service bus key", "Endpoint=sb://shop.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE=", "Zm9vYmFy"],
    ["SAS signature", "GET https://shop.blob.core.windows.net/logs/a.txt?sv=2022-11-02&sp=r&sig=AbCdEf%2Bghij%3D 403", "AbCdEf"],
    ["bearer token", "Authorization: Bearer abc.def-ghi_jkl123456", "abc.def"],
    ["JWT alone", "token was eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", "sflKxwRJ"],
    ["password in URL", "connect postgres://admin:hunter2@db.internal:5432/app failed", "hunter2"],
    ["SQL password", "Server=tcp:sql.database.windows.net;User ID=app;Password=S3cr3t!;Encrypt=true", "S3cr3t"],
    ["JSON password", '{"user":"bob","password":"p@ssw0rd"}', "p@ssw0rd"],
    ["function key", "POST /api/alerts/azure-monitor?code=AbC123xyz== 202", "AbC123xyz"],
    ["api key header", "x-functions-key: 0123456789abcdef", "0123456789abcdef"],
    ["client secret", "client_secret=Q~abc.def_ghi", "Q~abc"],
    ["private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "MIIEowIBAAKCAQEA"],
    ["OpenAI key", "using sk-proj-abcdefghijklmnopqrstuvwx", "abcdefghijklmnop"],
  ])("%s", (_name, text, secret) => {
    const result = redact(text);

    expect(result).not.toContain(secret);
    expect(result).toContain("[REDACTED");
  });

  test.each([
    "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Web/sites/app",
    "HTTP 500 resultCode=500 status code: 503",
    "CPU above 80% for 5 minutes",
    "https://checkout.example.com/health?verbose=true",
  ])("keeps %s", (text) => {
    expect(redact(text)).toBe(text);
  });

  test("idempotent", () => {
    const once = redact("password=abc Bearer abcdefghijk");

    expect(redact(once)).toBe(once);
  });

  test("deep redaction keeps shape", () => {
    const value = {
      summary: "GET answered 200",
      response: { code: "SemanticError", message: "uses AccountKey=abcdefgh" },
      findings: { rows: [["Bearer abcdefghijklmnop"]], count: 3, connectionString: "anything at all", apiKey: "k" },
      when: new Date(0),
    };

    const result = redactDeep(value);

    expect(result.response.code).toBe("SemanticError");
    expect(result.response.message).toBe("uses AccountKey=[REDACTED]");
    expect(result.findings.rows[0][0]).toBe("Bearer [REDACTED]");
    expect(result.findings.count).toBe(3);
    expect(result.findings.connectionString).toBe("[REDACTED]");
    expect(result.findings.apiKey).toBe("[REDACTED]");
    expect(result.when).toEqual(new Date(0));
    expect(value.findings.apiKey).toBe("k");
  });
});
