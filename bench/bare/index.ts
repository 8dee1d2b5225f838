// The bare Hono Worker the bench compares ROMS with: the same runtime and the same D1 work per route,
// with nothing else (no auth, validation, logging or contract). bench/spine.mjs, doors.mjs and devices.mjs run it.
import { Hono } from "hono";

const app = new Hono<{ Bindings: { DB: D1Database } }>();

app.get("/health", (c) => c.json({ status: "ok" }));

/** One D1 read of 50 rows: what ROMS's filtered order list reads. */
app.get("/orders", async (c) => {
  const { results } = await c.env.DB.prepare(
    "SELECT * FROM orders WHERE status = ? ORDER BY placed_at DESC, id DESC LIMIT 50",
  )
    .bind(c.req.query("status") ?? "picking")
    .all();
  return c.json({ items: results });
});

/** One D1 insert: a new order. */
app.post("/orders", async (c) => {
  const body = await c.req.json<{ external_ref: string; currency: string; total_minor: number }>();
  const id = crypto.randomUUID();
  await c.env.DB.prepare(
    "INSERT INTO orders (id, external_ref, status, currency, total_minor, placed_at) VALUES (?, ?, 'placed', ?, ?, ?)",
  )
    .bind(id, body.external_ref, body.currency, body.total_minor, new Date().toISOString())
    .run();
  return c.json({ id }, 201);
});

/** A device's batch of reads: each inserted once per device and read id in one D1 batch, answered read by read. */
app.post("/api/v1/devices/events", async (c) => {
  const device = c.req.header("authorization") ?? "device";
  const { events } = await c.req.json<{
    events: { id: string; kind: string; value: string; source: string; at: string }[];
  }>();
  const taken = await c.env.DB.batch(
    events.map((e) =>
      c.env.DB.prepare(
        "INSERT INTO device_events (id, device_id, event_id, kind, value, reader, read_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
      ).bind(crypto.randomUUID(), device, e.id, e.kind, e.value, e.source, e.at),
    ),
  );
  return c.json({
    results: events.map((e, i) => ({
      id: e.id,
      verdict: taken[i]?.results.length ? "accepted" : "duplicate",
    })),
  });
});

/** Seeds `n` orders (bench set-up, not measured). */
app.post("/seed", async (c) => {
  const n = Number(c.req.query("n") ?? 2000);
  await c.env.DB.prepare(
    `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?)
     INSERT INTO orders (id, external_ref, status, currency, total_minor, placed_at)
     SELECT printf('ord-%08d', i), printf('EXT-%08d', i),
            json_extract('["placed","under_risk","awaiting_customer","picking","shipped","delivered","cancelled"]', '$[' || (i % 7) || ']'),
            'EUR', 1000 + i, strftime('%Y-%m-%dT%H:%M:%fZ', 1763596800 - (? - i) * 86.4, 'unixepoch') FROM s`,
  )
    .bind(n, n)
    .run();
  return c.json({ seeded: n });
});

export default {
  fetch: app.fetch,
  /** The `email` door at its barest: read the whole message, keep nothing. */
  async email(message: ForwardableEmailMessage) {
    await new Response(message.raw).arrayBuffer();
  },
} satisfies ExportedHandler<{ DB: D1Database }>;
