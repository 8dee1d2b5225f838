// The bare Hono Worker the bench compares ROMS with: the same runtime, the same D1 schema (ROMS's own
// migrations, so the same columns, indexes and search triggers) and the same D1 work per route, with
// nothing else (no auth, validation, logging or contract). bench/spine.mjs, doors.mjs and devices.mjs run it.
import { Hono } from "hono";

const app = new Hono<{ Bindings: { DB: D1Database } }>();

app.get("/health", (c) => c.json({ status: "ok" }));

/** One D1 read of the 50 rows ROMS's filtered order list reads, answered as they come. */
app.get("/orders", async (c) => {
  const { results } = await c.env.DB.prepare(
    "SELECT * FROM orders WHERE status = ? ORDER BY placed_at DESC, id DESC LIMIT 50",
  )
    .bind(c.req.query("status") ?? "picking")
    .all();
  return c.json({ items: results });
});

/** One D1 insert: a new order, a row of ROMS's orders table with the columns its intake fills. */
app.post("/orders", async (c) => {
  const body = await c.req.json<{
    external_ref: string;
    customer: string;
    currency: string;
    total_minor: number;
  }>();
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  await c.env.DB.prepare(
    `INSERT INTO orders (id, number, kind, status, source, external_ref, merchant, currency, subtotal_minor,
       tax_minor, total_minor, placed_at, created_at, updated_at)
     VALUES (?, ?, 'purchase', 'placed', 'bench', ?, ?, ?, ?, 0, ?, ?, ?, ?)`,
  )
    .bind(
      id,
      `B-${id}`,
      body.external_ref,
      body.customer,
      body.currency,
      body.total_minor,
      body.total_minor,
      now,
      now,
      now,
    )
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

export default {
  fetch: app.fetch,
  /** The `email` door at its barest: read the whole message, keep nothing. */
  async email(message: ForwardableEmailMessage) {
    await new Response(message.raw).arrayBuffer();
  },
} satisfies ExportedHandler<{ DB: D1Database }>;
