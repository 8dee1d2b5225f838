// The bare Hono Worker the bench compares ROMS with: the same runtime, the same D1 schema (ROMS's own
// migrations, so the same columns, indexes and search triggers) and the same D1 work per route, with
// nothing else (no auth, validation, logging or contract). bench/spine.mjs, doors.mjs and devices.mjs run it;
// spine also runs intake's own D1 work through it, to show what that work costs before ROMS adds its own.
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

/** An intake's body, as bench/intake.lua sends it (one line). */
interface IntakeBody {
  source: string;
  external_ref: string;
  merchant: string;
  currency: string;
  lines: { sku: string; name: string; quantity: number; unit_price: number; tax_rate_bp: number }[];
}

/** The reads ROMS's intake sends in one batch: the order by its reference, its lines, the lines' products. */
const intakeReads = (db: D1Database, body: IntakeBody) => [
  db
    .prepare("SELECT * FROM orders WHERE source = ? AND external_ref = ?")
    .bind(body.source, body.external_ref),
  db
    .prepare(
      "SELECT * FROM order_lines WHERE order_id = (SELECT id FROM orders WHERE source = ? AND external_ref = ?) ORDER BY line_no",
    )
    .bind(body.source, body.external_ref),
  db
    .prepare(
      `SELECT products.id, products.sku, products.allow_backorder, stock_levels.location_id,
         stock_levels.on_hand - stock_levels.reserved FROM products
       LEFT JOIN stock_levels ON stock_levels.product_id = products.id
       WHERE products.deleted_at IS NULL AND products.sku IN (SELECT value FROM json_each(?))`,
    )
    .bind(JSON.stringify(body.lines.map((l) => l.sku))),
];

/** The batch ROMS's intake writes for a new order: its year's counter, the order numbered from it, its lines,
 * its event, and the number read back. */
function placingBatch(db: D1Database, body: IntakeBody) {
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  const year = new Date().getUTCFullYear();
  const subtotal = body.lines.reduce((s, l) => s + l.quantity * l.unit_price, 0);
  const tax = body.lines.reduce(
    (s, l) => s + Math.round((l.quantity * l.unit_price * l.tax_rate_bp) / 10000),
    0,
  );
  return [
    db
      .prepare(
        "INSERT INTO order_counters (year, last) VALUES (?, 1) ON CONFLICT (year) DO UPDATE SET last = order_counters.last + 1",
      )
      .bind(year),
    db
      .prepare(
        `INSERT INTO orders (id, number, kind, status, source, external_ref, merchant, currency, subtotal_minor,
           tax_minor, total_minor, intake_hash, placed_at, created_at, updated_at)
         VALUES (?, (SELECT 'R-' || ? || '-' || printf('%06d', last) FROM order_counters WHERE year = ?),
           'purchase', 'placed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(
        id,
        String(year),
        year,
        body.source,
        body.external_ref,
        body.merchant,
        body.currency,
        subtotal,
        tax,
        subtotal + tax,
        id,
        now,
        now,
        now,
      ),
    ...body.lines.map((l, i) =>
      db
        .prepare(
          `INSERT INTO order_lines (id, order_id, line_no, sku, name, quantity, unit_price_minor, tax_rate_bp, fill,
             substitutes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'untracked', '[]')`,
        )
        .bind(crypto.randomUUID(), id, i + 1, l.sku, l.name, l.quantity, l.unit_price, l.tax_rate_bp),
    ),
    db
      .prepare(
        "INSERT INTO order_events (id, order_id, type, to_status, source, details, created_at) VALUES (?, ?, 'created', 'placed', ?, ?, ?)",
      )
      .bind(crypto.randomUUID(), id, body.source, JSON.stringify({ lines: body.lines.length }), now),
    db.prepare("SELECT number FROM orders WHERE id = ?").bind(id),
  ];
}

/** ROMS's intake's D1 work for a new order and nothing else: its one read batch, then its one write batch. */
app.post("/api/v1/orders/intake", async (c) => {
  const body = await c.req.json<IntakeBody>();
  const [order] = await c.env.DB.batch(intakeReads(c.env.DB, body));
  if (order?.results.length) return c.json({ outcome: "unchanged" });
  const written = await c.env.DB.batch(placingBatch(c.env.DB, body));
  return c.json({ outcome: "created", number: written.at(-1)?.results[0] }, 201);
});

/** Intake's write batch alone, in its one round trip: what any intake that writes what ROMS writes can reach. */
app.post("/api/v1/orders/placed", async (c) => {
  const body = await c.req.json<IntakeBody>();
  const written = await c.env.DB.batch(placingBatch(c.env.DB, body));
  return c.json({ number: written.at(-1)?.results[0] }, 201);
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
