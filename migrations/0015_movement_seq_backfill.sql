-- Custom migration (made by `drizzle-kit generate --custom`): drizzle-kit cannot number existing rows.
-- Every movement already written gets its place in its location's stream, in the order it was written
-- (rowid: movements are only ever appended), before 0016 makes (location_id, seq) unique.
UPDATE stock_movements
   SET seq = (SELECT n FROM (SELECT rowid AS r, ROW_NUMBER() OVER (PARTITION BY location_id ORDER BY rowid) AS n
                               FROM stock_movements) AS numbered
               WHERE numbered.r = stock_movements.rowid);
