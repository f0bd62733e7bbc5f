import { setAzureTlsOptions } from "../../src/investigation/azure";
import { runCollector } from "../../src/investigation/collect";
import type { ProbeFindings } from "../../src/investigation/evidence";
import { probeUrl, setProbeTlsOptions } from "../../src/investigation/probe";
import { startArmFake, type ArmFake } from "../fakes/arm";
import { loopbackCertificate, startFake, type RunningFake } from "../fakes/https";
import { fakeCredential, handler, incident, SITE, silent, testServices } from "./support";

// The modules themselves, not import wrappers, so a spy replaces what the probe calls.
const http: typeof import("node:http") = require("node:http");
const https: typeof import("node:https") = require("node:https");

describe("health probe", () => {
  let service: RunningFake;
  let secure: RunningFake;
  let arm: ArmFake;
  let failing = 0;

  beforeAll(async () => {
    service = await startFake(
      (request, response) => {
        if (request.path === "/health") {
          response.writeHead(200, { "content-type": "text/plain" });
          response.end(`ok ${"x".repeat(1000)}`);
        } else if (request.path === "/flaky") {
          failing += 1;
          response.writeHead(failing % 2 === 1 ? 503 : 200);
          response.end(failing % 2 === 1 ? "busy" : "ok");
        } else if (request.path === "/down") {
          response.writeHead(503);
          response.end("database password=hunter2 unreachable");
        } else if (request.path === "/hang") {
          // Never answers.
        } else if (request.path === "/login") {
          response.writeHead(302, { location: "/signin" });
          response.end();
        } else {
          response.writeHead(404);
          response.end();
        }
      },
      { tls: false },
    );
    secure = await startFake((_request, response) => {
      response.writeHead(200);
      response.end("secure ok");
    });
    setAzureTlsOptions({ ca: loopbackCertificate });
    arm = await startArmFake();
  });
  afterAll(async () => {
    setAzureTlsOptions(undefined);
    await Promise.all([service.close(), secure.close(), arm.close()]);
  });
  afterEach(() => jest.restoreAllMocks());

  const options = { attemptTimeoutMs: 2000 };

  test("loopback allowed and body shortened", async () => {
    const outcome = await probeUrl(`${service.url}/health`, "handler", options);

    expect(outcome.status).toBe("success");
    expect((outcome.findings as unknown as ProbeFindings).healthy).toBe(true);
    expect(outcome.response?.status).toBe(200);
    expect(outcome.response?.excerpt).toHaveLength(300);
    expect((outcome.findings as unknown as ProbeFindings).latencyMs).toEqual(expect.any(Number));
  });

  test("server error retried once", async () => {
    failing = 0;
    const outcome = await probeUrl(`${service.url}/flaky`, "handler", options);

    expect((outcome.findings as unknown as ProbeFindings).attempts).toBe(2);
    expect((outcome.findings as unknown as ProbeFindings).healthy).toBe(true);
  });

  test("failing service is unhealthy", async () => {
    const outcome = await probeUrl(`${service.url}/down`, "handler", options);

    expect(outcome.status).toBe("success");
    expect((outcome.findings as unknown as ProbeFindings).healthy).toBe(false);
    expect((outcome.findings as unknown as ProbeFindings).attempts).toBe(2);
  });

  test("redirect settles nothing", async () => {
    const outcome = await probeUrl(`${service.url}/login`, "handler", options);

    expect((outcome.findings as unknown as ProbeFindings).healthy).toBeUndefined();
    expect(outcome.summary).toContain("does not follow");
  });

  test("no answer is a timeout", async () => {
    const outcome = await probeUrl(`${service.url}/hang`, "handler", { attemptTimeoutMs: 200 });

    expect(outcome.status).toBe("timeout");
    expect((outcome.findings as unknown as ProbeFindings).healthy).toBe(false);
  });

  test("https loopback with the test certificate", async () => {
    const outcome = await probeUrl(`${secure.url}/`, "handler", { ...options, tls: { ca: loopbackCertificate } });

    expect((outcome.findings as unknown as ProbeFindings).healthy).toBe(true);
  });

  test("spy sees a real probe", async () => {
    const httpRequest = jest.spyOn(http, "request");

    await probeUrl(`${service.url}/health`, "handler", options);

    expect(httpRequest).toHaveBeenCalledTimes(1);
  });

  test.each([
    "http://169.254.169.254/metadata/instance?api-version=2021-02-01",
    "http://[fe80::1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://2852039166/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://168.63.129.16/machine",
  ])("rejects %s without a request", async (url) => {
    const httpRequest = jest.spyOn(http, "request");
    const httpsRequest = jest.spyOn(https, "request");
    const resolve = jest.fn();

    const outcome = await probeUrl(url, "alert", { ...options, resolve });

    expect(outcome.status).toBe("error");
    expect(outcome.response?.code).toBe("ProbeUrlRejected");
    expect(httpRequest).not.toHaveBeenCalled();
    expect(httpsRequest).not.toHaveBeenCalled();
    expect(resolve).not.toHaveBeenCalled();
  });

  test("rejects a name resolving to link-local", async () => {
    const httpRequest = jest.spyOn(http, "request");

    const outcome = await probeUrl("http://innocent.example.test/health", "alert", {
      ...options,
      resolve: async () => [
        { address: "10.0.0.4", family: 4 },
        { address: "169.254.169.254", family: 4 },
      ],
    });

    expect(outcome.response?.code).toBe("ProbeUrlRejected");
    expect(outcome.summary).toContain("169.254.169.254");
    expect(httpRequest).not.toHaveBeenCalled();
  });

  test("connects to the checked address", async () => {
    const port = new URL(service.url).port;

    const outcome = await probeUrl(`http://internal.example.test:${port}/health`, "alert", {
      ...options,
      resolve: async () => [{ address: "127.0.0.1", family: 4 }],
    });

    expect((outcome.findings as unknown as ProbeFindings).healthy).toBe(true);
  });

  test("rejects other schemes", async () => {
    const outcome = await probeUrl("ftp://127.0.0.1/file", "alert", options);

    expect(outcome.response?.code).toBe("ProbeUrlRejected");
  });

  test("allowedHosts restricts alert URLs", async () => {
    const outcome = await probeUrl(`${service.url}/health`, "alert", { ...options, allowedHosts: ["checkout.example.com"] });

    expect(outcome.response?.code).toBe("ProbeUrlRejected");
    expect(outcome.summary).toContain("allowedHosts");
  });

  describe("collector", () => {
    const request = { collector: "probe" as const, evidenceId: "probe" };

    test("alert URL comes first", async () => {
      const evidence = await runCollector(
        testServices({}),
        incident({ healthProbeUrl: `${service.url}/health` }),
        handler({ probe: { url: `${service.url}/down` } }),
        request,
        silent,
      );

      expect(evidence.attempted).toMatchObject({ url: `${service.url}/health`, source: "alert" });
      expect((evidence.findings as unknown as ProbeFindings).healthy).toBe(true);
    });

    test("resource tag before handler", async () => {
      arm.setTags(SITE, { team: "shop", HealthProbeUrl: `${service.url}/down` });

      const evidence = await runCollector(
        testServices({ AZURE_ARM_ENDPOINT: arm.url }, fakeCredential()),
        incident(),
        handler({ probe: { url: `${service.url}/health` } }),
        request,
        silent,
      );

      expect(evidence.attempted).toMatchObject({ source: "resource-tag", url: `${service.url}/down` });
      expect((evidence.findings as unknown as ProbeFindings).healthy).toBe(false);
      expect(evidence.response?.excerpt).toContain("password=[REDACTED]");
      expect(evidence.response?.excerpt).not.toContain("hunter2");
    });

    test("handler URL without Azure", async () => {
      const evidence = await runCollector(testServices({}), incident(), handler({ probe: { url: `${service.url}/health` } }), request, silent);

      expect(evidence.attempted.source).toBe("handler");
      expect(evidence.status).toBe("success");
    });

    test("handler URL ignores allowedHosts", async () => {
      const evidence = await runCollector(
        testServices({}),
        incident(),
        handler({ probe: { url: `${service.url}/health`, allowedHosts: ["checkout.example.com"] } }),
        request,
        silent,
      );

      expect(evidence.status).toBe("success");
    });

    test("no URL is not_configured", async () => {
      const evidence = await runCollector(testServices({}), incident(), handler(), request, silent);

      expect(evidence.status).toBe("not_configured");
    });

    test("https probe through the TLS setter", async () => {
      setProbeTlsOptions({ ca: loopbackCertificate });
      try {
        const evidence = await runCollector(testServices({}), incident({ healthProbeUrl: `${secure.url}/` }), handler(), request, silent);

        expect((evidence.findings as unknown as ProbeFindings).healthy).toBe(true);
      } finally {
        setProbeTlsOptions(undefined);
      }
    });
  });
});
