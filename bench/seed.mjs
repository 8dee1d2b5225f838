// Seeds a local D1 (through wrangler's platform proxy) with a catalog and a stock ledger at scale:
// PRODUCTS products over 50 categories (every 10th a draft) with barcodes, two locations, MOVEMENTS
// movements, and levels that equal their sums. Rows are generated inside SQLite by recursive CTEs.
import { ORDER_STATUSES } from "../src/db/vocabulary.ts";

const WORDS = [
  "red",
  "blue",
  "green",
  "steel",
  "oak",
  "mini",
  "pro",
  "classic",
  "smart",
  "eco",
  "heavy",
  "light",
];
const NOUNS = [
  "lamp",
  "chair",
  "table",
  "shelf",
  "drill",
  "kettle",
  "mug",
  "cable",
  "router",
  "speaker",
  "jacket",
  "boot",
  "scarf",
  "tent",
  "stove",
  "bottle",
  "pen",
  "folder",
  "stapler",
  "desk",
  "sofa",
  "rug",
  "mirror",
  "clock",
  "vase",
  "pillow",
  "blanket",
  "towel",
  "soap",
  "brush",
  "hammer",
  "saw",
  "wrench",
  "tape",
  "glue",
  "paint",
  "ladder",
  "bucket",
  "hose",
  "rake",
  "phone",
  "tablet",
  "charger",
  "mouse",
  "keyboard",
  "monitor",
  "printer",
  "camera",
  "watch",
  "radio",
];

export async function seedCatalog(db, { products = 100_000, movements = 1_000_000 } = {}) {
  const started = Date.now();
  const words = JSON.stringify(WORDS);
  const nouns = JSON.stringify(NOUNS);
  await db.batch([
    db
      .prepare(
        `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 49)
       INSERT INTO categories (id, name) SELECT printf('cat-%02d', i), json_extract(?, '$[' || i || ']') FROM n`,
      )
      .bind(nouns),
    db.prepare(
      "INSERT INTO locations (id, name, kind) VALUES ('loc-shop', 'Shop', 'shop'), ('loc-wh', 'Warehouse', 'warehouse')",
    ),
  ]);
  await db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
       INSERT INTO products (id, sku, name, category_id, price_minor, currency, tax_rate_bp, unit, attributes, status,
                             published_at, created_at, updated_at)
       SELECT printf('prod-%07d', i), printf('SKU-%07d', i),
              json_extract(?2, '$[' || (i % 12) || ']') || ' ' || json_extract(?3, '$[' || (i % 50) || ']') || ' ' || i,
              printf('cat-%02d', i % 50), 100 + (i * 7919) % 99900, 'EUR', 1900, 'piece',
              json_object('color', json_extract(?2, '$[' || (i % 12) || ']'), 'size', i % 5),
              CASE WHEN i % 10 = 0 THEN 'draft' ELSE 'published' END,
              CASE WHEN i % 10 = 0 THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ', '2025-01-01', '+' || (i * 300) || ' seconds') END,
              strftime('%Y-%m-%dT%H:%M:%fZ', '2025-01-01', '+' || (i * 300) || ' seconds'),
              strftime('%Y-%m-%dT%H:%M:%fZ', '2025-01-01', '+' || (i * 300) || ' seconds')
         FROM n`,
    )
    .bind(products, words, nouns)
    .run();
  await db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
       INSERT INTO product_barcodes (barcode, product_id, kind) SELECT printf('INT-%07d', i), printf('prod-%07d', i), 'internal' FROM n`,
    )
    .bind(products)
    .run();
  // Receipts first so no level ever dips below zero, then sales and adjustments.
  await db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
       INSERT INTO stock_movements (id, product_id, location_id, kind, quantity, reserved_delta, actor_id, reason, created_at)
       SELECT printf('mv-%08d', i), printf('prod-%07d', 1 + (i % ?2)),
              CASE WHEN i <= ?2 * 2 THEN (CASE WHEN i <= ?2 THEN 'loc-shop' ELSE 'loc-wh' END)
                   WHEN i % 3 = 0 THEN 'loc-wh' ELSE 'loc-shop' END,
              CASE WHEN i <= ?2 * 2 THEN 'receive' WHEN i % 4 = 0 THEN 'adjust' ELSE 'sale' END,
              CASE WHEN i <= ?2 * 2 THEN 100 ELSE -1 END, 0, 'bench', 'seed',
              strftime('%Y-%m-%dT%H:%M:%fZ', '2025-06-01', '+' || (i * 20) || ' seconds')
         FROM n`,
    )
    .bind(movements, products)
    .run();
  await db
    .prepare(
      `INSERT INTO stock_levels (product_id, location_id, on_hand, reserved, version, updated_at)
       SELECT product_id, location_id, SUM(quantity), SUM(reserved_delta), COUNT(*), MAX(created_at)
         FROM stock_movements GROUP BY product_id, location_id`,
    )
    .run();
  return { products, movements, seconds: (Date.now() - started) / 1000 };
}

const COMPANY_WORDS = [
  "acme",
  "globex",
  "initech",
  "umbrella",
  "stark",
  "wayne",
  "wonka",
  "tyrell",
  "cyberdyne",
  "hooli",
];
const MERCHANTS = ["Amazon", "Otto", "Zalando", "MediaMarkt", "Ikea", "Conrad", "Thomann", "Decathlon"];

/** Customers for the orders: 200 companies, a tenth of them per company word. */
export async function seedCustomers(db) {
  await db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 199)
       INSERT INTO customers (id, company, email) SELECT printf('cust-%03d', i),
              upper(substr(json_extract(?1, '$[' || (i % 10) || ']'), 1, 1)) || substr(json_extract(?1, '$[' || (i % 10) || ']'), 2)
              || ' Trading ' || i, printf('buyer%03d@customer.test', i) FROM n`,
    )
    .bind(JSON.stringify(COMPANY_WORDS))
    .run();
}

/**
 * Orders `from`..`to` (1-based) at 1,000 a day ending on `end`: the newest `count` orders of a shop that has
 * been taking 1,000 orders a day, so a date window holds the same orders at any table size.
 */
export async function seedOrders(db, { from, to, end = "2026-11-20T00:00:00Z", total = to } = {}) {
  const started = Date.now();
  const endMs = Date.parse(end);
  for (let lo = from; lo <= to; lo += 100_000) {
    const hi = Math.min(to, lo + 99_999);
    await db
      .prepare(
        `WITH RECURSIVE n(i) AS (SELECT CAST(?1 AS INTEGER) UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
         INSERT INTO orders (id, number, kind, status, source, external_ref, customer_id, merchant, currency, subtotal_minor,
                             tax_minor, shipping_minor, discount_minor, total_minor, payment_status, placed_at, created_at, updated_at)
         SELECT printf('ord-%08d', i), printf('R-B-%08d', i),
                CASE WHEN i % 5 = 0 THEN 'purchase' ELSE 'sale' END,
                json_extract(?3, '$[' || (i % 7) || ']'), 'shop', printf('EXT-%08d', i),
                CASE WHEN i % 5 = 0 THEN NULL ELSE printf('cust-%03d', i % 200) END,
                CASE WHEN i % 5 = 0 THEN json_extract(?4, '$[' || (i % 8) || ']') ELSE NULL END,
                'EUR', 1000 + (i * 37) % 50000, 0, 0, 0, 1000 + (i * 37) % 50000, 'unpaid',
                strftime('%Y-%m-%dT%H:%M:%fZ', (?5 - (?6 - i) * 86400.0) / 1000, 'unixepoch'),
                strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
           FROM n`,
      )
      .bind(lo, hi, JSON.stringify(ORDER_STATUSES), JSON.stringify(MERCHANTS), endMs, total)
      .run();
  }
  return { orders: to - from + 1, seconds: (Date.now() - started) / 1000 };
}
