// Seeds a local D1 (through wrangler's platform proxy) with a catalog and a stock ledger at scale:
// PRODUCTS products over 50 categories (every 10th a draft) with barcodes, two locations, MOVEMENTS
// movements, and levels that equal their sums. Rows are generated inside SQLite by recursive CTEs.

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
