import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "./helpers";

describe("the contract", () => {
  it("/openapi.json is a complete OpenAPI 3.1 document that an independent validator accepts", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, any>;
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/health", "/api/v1/auth/login", "/api/v1/ingest", "/api/v1/cron-runs"]),
    );
    expect(doc.components.schemas.Problem).toBeDefined();

    // swagger-parser runs in Node (test/global-setup.ts), outside the Worker under test.
    const verdict = await fetch(`${env.TEST_SERVER_URL}/validate-openapi`, {
      method: "POST",
      body: JSON.stringify(doc),
    });
    expect(await verdict.json()).toEqual({ valid: true });
  });

  it("the validator does reject a broken document", async () => {
    const broken = {
      openapi: "3.1.0",
      info: { title: "x" },
      paths: { "/a": { get: { responses: "nope" } } },
    };
    const verdict = await fetch(`${env.TEST_SERVER_URL}/validate-openapi`, {
      method: "POST",
      body: JSON.stringify(broken),
    });
    expect(((await verdict.json()) as { valid: boolean }).valid).toBe(false);
  });

  it("/docs serves the API reference", async () => {
    const res = await call("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(await res.text()).toContain("/openapi.json");
  });
});
