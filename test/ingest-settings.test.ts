// The doors' settings through the API: webhook sources whose secrets are shown once, mailboxes, mail templates.

import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, actingAs, BASE, call, customerUser, seedUser, tokenFor } from "./helpers";

let staff: ApiClient;
let customer: ApiClient;
const nobody = actingAs();

beforeAll(async () => {
  staff = actingAs(await tokenFor(await seedUser("staff")));
  customer = (await customerUser(`Settings Co ${crypto.randomUUID().slice(0, 4)}`)).api;
});

const unique = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
const bytesOf = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
const whsec = (bytes: number) =>
  `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))))}`;
/** The field errors of a 400, by path. */
const errorsOf = (body: { errors?: { path: string; message: string }[] }) =>
  Object.fromEntries((body.errors ?? []).map((e) => [e.path, e.message]));
const engineMessage = (pattern: string, flags: string) => {
  try {
    new RegExp(pattern, flags);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${pattern} compiles`);
};

/** A signed Standard Webhooks ping through the real door: 202 when one of the source's secrets verifies it. */
async function deliver(name: string, secret: string) {
  const id = `msg_${crypto.randomUUID()}`;
  const at = new Date();
  const body = JSON.stringify({ type: "ping", timestamp: at.toISOString(), data: {} });
  const res = await call(`/api/v1/webhooks/${name}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": new Webhook(secret).sign(id, at, body),
    },
    body,
  });
  await res.body?.cancel();
  return res.status;
}

describe("webhook sources", () => {
  it("makes a standard source a whsec_ secret of 32 random bytes, shown once with the URL to configure", async () => {
    const name = unique("shop");
    const res = await staff.post("/api/v1/webhook-sources", { name, kind: "standard" });
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const { secret } = res.body;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(bytesOf(secret.slice("whsec_".length))).toHaveLength(32);
    expect(res.body).toMatchObject({ name, kind: "standard", order_kind: "sale", enabled: true });
    expect(res.body.url).toBe(`${BASE}/api/v1/webhooks/${name}`);
    expect(res.body.secrets).toEqual([
      { id: expect.any(String), label: null, created_at: expect.any(String), hint: secret.slice(-4) },
    ]);

    const list = await staff.get("/api/v1/webhook-sources");
    expect(list.status).toBe(200);
    expect(Object.keys(list.body)).toEqual(["items"]);
    const listed = list.body.items.find((s: { id: string }) => s.id === res.body.id);
    expect(listed.secrets).toEqual(res.body.secrets);
    expect(listed).not.toHaveProperty("secret");
    expect(JSON.stringify(list.body)).not.toContain(secret.slice("whsec_".length, -4));

    const one = await staff.get(`/api/v1/webhook-sources/${res.body.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(listed);
    expect(JSON.stringify(one.body)).not.toContain(secret.slice("whsec_".length, -4));
  });

  it("the secret shown is the one the webhook door verifies with, and a source switched off is refused", async () => {
    const name = unique("door");
    const created = await staff.post("/api/v1/webhook-sources", { name, kind: "standard" });
    expect(await deliver(name, created.body.secret)).toBe(202);
    expect(await deliver(name, whsec(32))).toBe(401);

    const off = await staff.patch(`/api/v1/webhook-sources/${created.body.id}`, { enabled: false });
    expect(off.status).toBe(200);
    expect(await deliver(name, created.body.secret)).toBe(401);
  });

  it.each([
    ["shopify", /Shopify admin/],
    ["woocommerce", /WooCommerce → Settings → Advanced → Webhooks/],
  ])("a %s source needs the shop's secret, and says where the shop shows it", async (kind, where) => {
    const res = await staff.post("/api/v1/webhook-sources", { name: unique(kind), kind });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(errorsOf(res.body).secret).toMatch(where);

    const short = await staff.post("/api/v1/webhook-sources", {
      name: unique(kind),
      kind,
      secret: "too-short",
    });
    expect(short.status).toBe(400);
    expect(errorsOf(short.body).secret).toMatch(/at least 16 characters/i);

    const secret = `shpss_${crypto.randomUUID()}`;
    const ok = await staff.post("/api/v1/webhook-sources", { name: unique(kind), kind, secret });
    expect(ok.status).toBe(201);
    expect(ok.body.secret).toBe(secret);
    expect(ok.body.secrets[0].hint).toBe(secret.slice(-4));
  });

  it.each([
    ["without the whsec_ prefix", btoa("a-key-of-more-than-twenty-four-bytes")],
    ["that is not base64", "whsec_not base64 at all, not at all!!"],
    ["of fewer than 24 bytes", whsec(16)],
  ])("refuses a standard secret %s", async (_, secret) => {
    const res = await staff.post("/api/v1/webhook-sources", {
      name: unique("std"),
      kind: "standard",
      secret,
    });
    expect(res.status).toBe(400);
    expect(errorsOf(res.body).secret).toMatch(/whsec_ and the base64 of at least 24/);
  });

  it("keeps a standard secret given in the right form", async () => {
    const secret = whsec(24);
    const res = await staff.post("/api/v1/webhook-sources", {
      name: unique("std"),
      kind: "standard",
      secret,
    });
    expect(res.status).toBe(201);
    expect(res.body.secret).toBe(secret);
  });

  it("refuses a second source of the same name, a name that is no URL segment, and unknown fields", async () => {
    const name = unique("twice");
    expect((await staff.post("/api/v1/webhook-sources", { name, kind: "standard" })).status).toBe(201);
    const again = await staff.post("/api/v1/webhook-sources", { name, kind: "standard" });
    expect(again.status).toBe(409);
    expect(again.headers.get("content-type")).toBe("application/problem+json");
    expect(again.body.detail).toContain(name);

    const bad = await staff.post("/api/v1/webhook-sources", { name: "Shop Main", kind: "standard" });
    expect(bad.status).toBe(400);
    expect(errorsOf(bad.body).name).toMatch(/lower-case/);

    const extra = await staff.post("/api/v1/webhook-sources", {
      name: unique("x"),
      kind: "standard",
      url: "x",
    });
    expect(extra.status).toBe(400);
  });

  it("rotates: a second secret is shown once, both are listed and verify, and the last one is never removed", async () => {
    const name = unique("rotate");
    const created = await staff.post("/api/v1/webhook-sources", { name, kind: "standard", label: "old" });
    const id = created.body.id;
    const oldId = created.body.secrets[0].id;

    const added = await staff.post(`/api/v1/webhook-sources/${id}/secrets`, { label: "new" });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ label: "new", hint: added.body.secret.slice(-4) });
    expect(bytesOf(added.body.secret.slice("whsec_".length))).toHaveLength(32);

    const listed = (await staff.get(`/api/v1/webhook-sources/${id}`)).body;
    expect(listed.secrets.map((s: { label: string }) => s.label)).toEqual(["old", "new"]);
    for (const secret of [created.body.secret, added.body.secret]) {
      expect(JSON.stringify(listed)).not.toContain(secret.slice("whsec_".length, -4));
      expect(await deliver(name, secret)).toBe(202);
    }

    expect((await staff.del(`/api/v1/webhook-sources/${id}/secrets/${oldId}`)).status).toBe(204);
    expect(await deliver(name, created.body.secret)).toBe(401);
    expect(await deliver(name, added.body.secret)).toBe(202);

    const last = await staff.del(`/api/v1/webhook-sources/${id}/secrets/${added.body.id}`);
    expect(last.status).toBe(409);
    expect(last.body.detail).toMatch(/add the new secret first/);
    expect((await staff.get(`/api/v1/webhook-sources/${id}`)).body.secrets).toHaveLength(1);
    expect((await staff.del(`/api/v1/webhook-sources/${id}/secrets/${oldId}`)).status).toBe(404);
  });

  it("a shop's source takes only the shop's secret on rotation too", async () => {
    const created = await staff.post("/api/v1/webhook-sources", {
      name: unique("shopify"),
      kind: "shopify",
      secret: `shpss_${crypto.randomUUID()}`,
    });
    const none = await staff.post(`/api/v1/webhook-sources/${created.body.id}/secrets`);
    expect(none.status).toBe(400);
    expect(errorsOf(none.body).secret).toMatch(/Shopify admin/);
    const again = await staff.post(`/api/v1/webhook-sources/${created.body.id}/secrets`, {
      secret: created.body.secret,
    });
    expect(again.status).toBe(409);
  });

  it("changes the switch and the order kind, then deletes the source with its secrets", async () => {
    const created = await staff.post("/api/v1/webhook-sources", { name: unique("patch"), kind: "standard" });
    const path = `/api/v1/webhook-sources/${created.body.id}`;
    const changed = await staff.patch(path, { enabled: false, order_kind: "purchase" });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ enabled: false, order_kind: "purchase", name: created.body.name });
    expect((await staff.get(path)).body).toMatchObject({ enabled: false, order_kind: "purchase" });
    expect((await staff.patch(path, {})).status).toBe(400);
    expect((await staff.patch(path, { name: "renamed" })).status).toBe(400);

    expect((await staff.del(path)).status).toBe(204);
    expect((await staff.get(path)).status).toBe(404);
    expect((await staff.del(path)).status).toBe(404);
  });

  it("replays a creation sent again with the same Idempotency-Key, making one source", async () => {
    const name = unique("idem");
    const key = crypto.randomUUID();
    const first = await staff.post(
      "/api/v1/webhook-sources",
      { name, kind: "standard" },
      { "idempotency-key": key },
    );
    const second = await staff.post(
      "/api/v1/webhook-sources",
      { name, kind: "standard" },
      { "idempotency-key": key },
    );
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.body.id).toBe(first.body.id);
  });
});

const mailbox = (overrides: Record<string, unknown> = {}) => ({
  address: `${unique("Purchases")}@ROMS.test`,
  order_kind: "purchase",
  source: "mail:retailer",
  allowed_senders: ["Orders@Retailer.TEST", "@Shop.Example"],
  ...overrides,
});

describe("mailboxes", () => {
  it("creates, lists, changes and deletes a mailbox, its address and senders lower-cased", async () => {
    const input = mailbox();
    const created = await staff.post("/api/v1/mailboxes", input);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      address: input.address.toLowerCase(),
      order_kind: "purchase",
      source: "mail:retailer",
      allowed_senders: ["orders@retailer.test", "@shop.example"],
      default_currency: "EUR",
      enabled: true,
    });
    const path = `/api/v1/mailboxes/${created.body.id}`;

    const list = await staff.get("/api/v1/mailboxes");
    expect(Object.keys(list.body)).toEqual(["items"]);
    expect(list.body.items).toContainEqual(created.body);
    expect((await staff.get(path)).body).toEqual(created.body);

    const changed = await staff.patch(path, {
      allowed_senders: ["@NEW.example", "@new.example"],
      enabled: false,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      allowed_senders: ["@new.example"],
      enabled: false,
      source: "mail:retailer",
    });

    expect((await staff.del(path)).status).toBe(204);
    expect((await staff.get(path)).status).toBe(404);
  });

  it("refuses a second mailbox for an address in any case", async () => {
    const input = mailbox();
    expect((await staff.post("/api/v1/mailboxes", input)).status).toBe(201);
    const again = await staff.post("/api/v1/mailboxes", mailbox({ address: input.address.toUpperCase() }));
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain(input.address.toLowerCase());

    const other = await staff.post("/api/v1/mailboxes", mailbox());
    const moved = await staff.patch(`/api/v1/mailboxes/${other.body.id}`, { address: input.address });
    expect(moved.status).toBe(409);
  });

  it("says what is wrong with each field, and that mail from other senders creates nothing", async () => {
    const res = await staff.post(
      "/api/v1/mailboxes",
      mailbox({
        address: "not an address",
        source: "Mail Retailer",
        allowed_senders: [],
        default_currency: "EURO",
      }),
    );
    expect(res.status).toBe(400);
    const errors = errorsOf(res.body);
    expect(Object.keys(errors).sort()).toEqual(["address", "allowed_senders", "default_currency", "source"]);
    expect(errors.allowed_senders).toMatch(/anyone else is kept .* creates nothing/);

    const sender = await staff.post("/api/v1/mailboxes", mailbox({ allowed_senders: ["shop.example"] }));
    expect(errorsOf(sender.body)["allowed_senders.0"]).toMatch(/@shop\.example/);
  });
});

const template = (overrides: Record<string, unknown> = {}) => ({
  name: "Retailer confirmation",
  sender: "Orders@Retailer.TEST",
  subject_pattern: "Your order",
  kind: "confirmation",
  fields: { order_number: "Order no\\. (\\d+)", total: "Total: ([\\d.,]+)" },
  line_pattern: "(?<quantity>\\d+) x (?<name>.+?) \\((?<sku>[\\w-]+)\\) (?<price>[\\d.,]+)",
  ...overrides,
});

describe("mail templates", () => {
  it("creates, lists by sender, changes and deletes a template, its sender lower-cased", async () => {
    const domain = `${unique("retail")}.test`;
    const mine = await staff.post(
      "/api/v1/mail-templates",
      template({ sender: `Orders@${domain.toUpperCase()}` }),
    );
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ sender: `orders@${domain}`, kind: "confirmation", enabled: true });
    const wholeDomain = await staff.post(
      "/api/v1/mail-templates",
      template({ sender: `@${domain}`, kind: "shipment", line_pattern: null, subject_pattern: null }),
    );
    expect(wholeDomain.status).toBe(201);
    await staff.post("/api/v1/mail-templates", template({ sender: "orders@elsewhere.test" }));

    const forSender = await staff.get(`/api/v1/mail-templates?sender=ORDERS@${domain}`);
    expect(forSender.status).toBe(200);
    expect(forSender.body.items.map((t: { id: string }) => t.id)).toEqual([
      wholeDomain.body.id,
      mine.body.id,
    ]);
    expect(forSender.body.next_cursor).toBeNull();
    const firstPage = await staff.get(`/api/v1/mail-templates?sender=orders@${domain}&limit=1`);
    expect(firstPage.body.items).toHaveLength(1);
    const rest = await staff.get(
      `/api/v1/mail-templates?sender=orders@${domain}&limit=1&cursor=${firstPage.body.next_cursor}`,
    );
    expect(rest.body.items.map((t: { id: string }) => t.id)).toEqual([mine.body.id]);

    const path = `/api/v1/mail-templates/${mine.body.id}`;
    const changed = await staff.patch(path, { name: "Renamed", enabled: false });
    expect(changed.body).toMatchObject({
      name: "Renamed",
      enabled: false,
      line_pattern: mine.body.line_pattern,
    });
    expect((await staff.get(path)).body).toEqual(changed.body);

    expect((await staff.del(path)).status).toBe(204);
    expect((await staff.get(path)).status).toBe(404);
  });

  it.each([
    [
      "fields.total",
      { fields: { order_number: "Order (\\d+)", total: "Total: ((\\d+)" } },
      "Total: ((\\d+)",
      "i",
    ],
    ["subject_pattern", { subject_pattern: "[Your order" }, "[Your order", "i"],
    ["line_pattern", { line_pattern: "(?<sku>\\w+) (?<sku>\\w+)" }, "(?<sku>\\w+) (?<sku>\\w+)", "gi"],
  ])(
    "refuses a pattern that does not compile, naming %s and quoting the engine",
    async (path, override, pattern, flags) => {
      const res = await staff.post("/api/v1/mail-templates", template(override));
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(errorsOf(res.body)[path]).toContain(engineMessage(pattern, flags));
    },
  );

  it("refuses a pattern longer than 1,000 characters", async () => {
    const res = await staff.post(
      "/api/v1/mail-templates",
      template({ fields: { order_number: "a".repeat(1001) } }),
    );
    expect(res.status).toBe(400);
    expect(errorsOf(res.body)["fields.order_number"]).toMatch(/1000 characters/);
  });

  it("a confirmation needs a line pattern with the groups sku, name, quantity and price", async () => {
    const groups = await staff.post(
      "/api/v1/mail-templates",
      template({ line_pattern: "(?<sku>\\S+) (\\d+)" }),
    );
    expect(groups.status).toBe(400);
    expect(errorsOf(groups.body).line_pattern).toMatch(/lacks name, quantity, price/);

    const none = await staff.post("/api/v1/mail-templates", template({ line_pattern: null }));
    expect(none.status).toBe(400);
    expect(errorsOf(none.body).line_pattern).toMatch(/Required for kind confirmation/);

    const shipment = await staff.post(
      "/api/v1/mail-templates",
      template({ kind: "shipment", line_pattern: null }),
    );
    expect(shipment.status).toBe(201);
    const toConfirmation = await staff.patch(`/api/v1/mail-templates/${shipment.body.id}`, {
      kind: "confirmation",
    });
    expect(toConfirmation.status).toBe(400);
    expect(errorsOf(toConfirmation.body).line_pattern).toMatch(/Required for kind confirmation/);
    expect((await staff.get(`/api/v1/mail-templates/${shipment.body.id}`)).body.kind).toBe("shipment");
  });

  it("refuses a template without an order number pattern, or with a field it does not know", async () => {
    const missing = await staff.post(
      "/api/v1/mail-templates",
      template({ fields: { total: "Total (\\d+)" } }),
    );
    expect(Object.keys(errorsOf(missing.body))).toContain("fields.order_number");
    const unknown = await staff.post(
      "/api/v1/mail-templates",
      template({ fields: { order_number: "(\\d+)", colour: "x" } }),
    );
    expect(unknown.status).toBe(400);
  });
});

describe("who may change the doors' settings", () => {
  const reads = ["/api/v1/webhook-sources", "/api/v1/mailboxes", "/api/v1/mail-templates"];
  const writes: [string, () => unknown][] = [
    ["/api/v1/webhook-sources", () => ({ name: unique("who"), kind: "standard" })],
    ["/api/v1/mailboxes", () => mailbox()],
    ["/api/v1/mail-templates", () => template()],
  ];

  it("staff read and write", async () => {
    for (const path of reads) expect((await staff.get(path)).status).toBe(200);
    for (const [path, body] of writes) expect((await staff.post(path, body())).status).toBe(201);
  });

  it("a customer gets 403 and no token 401, and nothing is made", async () => {
    for (const path of reads) {
      expect((await customer.get(path)).status).toBe(403);
      expect((await nobody.get(path)).status).toBe(401);
    }
    const inputs = writes.map(([path, body]) => [path, body() as Record<string, any>] as const);
    for (const [path, input] of inputs) {
      expect((await customer.post(path, input)).status).toBe(403);
      expect((await nobody.post(path, input)).status).toBe(401);
    }
    const source = inputs[0]?.[1];
    const box = inputs[1]?.[1];
    const sources = (await staff.get("/api/v1/webhook-sources")).body.items;
    expect(sources.map((s: { name: string }) => s.name)).not.toContain(source?.name);
    const boxes = (await staff.get("/api/v1/mailboxes")).body.items;
    expect(boxes.map((m: { address: string }) => m.address)).not.toContain(box?.address.toLowerCase());
  });
});

describe("the contract", () => {
  it("has every settings route under its tag, with problem answers, in a document the validator accepts", async () => {
    const doc = (await (await call("/openapi.json")).json()) as Record<string, any>;
    const expected: Record<string, [string, string[]]> = {
      "/api/v1/webhook-sources": ["webhook sources", ["get", "post"]],
      "/api/v1/webhook-sources/{id}": ["webhook sources", ["get", "patch", "delete"]],
      "/api/v1/webhook-sources/{id}/secrets": ["webhook sources", ["post"]],
      "/api/v1/webhook-sources/{id}/secrets/{secret_id}": ["webhook sources", ["delete"]],
      "/api/v1/mailboxes": ["mailboxes", ["get", "post"]],
      "/api/v1/mailboxes/{id}": ["mailboxes", ["get", "patch", "delete"]],
      "/api/v1/mail-templates": ["mail templates", ["get", "post"]],
      "/api/v1/mail-templates/{id}": ["mail templates", ["get", "patch", "delete"]],
    };
    for (const [path, [tag, methods]] of Object.entries(expected)) {
      expect(Object.keys(doc.paths[path] ?? {}).sort(), path).toEqual([...methods].sort());
      for (const method of methods) {
        const operation = doc.paths[path][method];
        expect(operation.tags, `${method} ${path}`).toEqual([tag]);
        expect(operation.responses["401"].content, `${method} ${path}`).toHaveProperty([
          "application/problem+json",
        ]);
      }
    }
    expect(doc.components.schemas.NewMailTemplate.additionalProperties).toBe(false);
    const verdict = await fetch(`${env.TEST_SERVER_URL}/validate-openapi`, {
      method: "POST",
      body: JSON.stringify(doc),
    });
    expect(await verdict.json()).toEqual({ valid: true });
  });
});
