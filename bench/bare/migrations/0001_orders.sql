-- The bare Worker's one table, indexed as ROMS indexes its order list (status, placed_at, id).
CREATE TABLE orders (
  id TEXT PRIMARY KEY,
  external_ref TEXT,
  status TEXT NOT NULL,
  currency TEXT NOT NULL,
  total_minor INTEGER NOT NULL,
  placed_at TEXT NOT NULL
);
CREATE INDEX orders_status_placed_idx ON orders (status, placed_at, id);
