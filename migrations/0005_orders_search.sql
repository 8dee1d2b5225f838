-- Custom migration (made by `drizzle-kit generate --custom`; drizzle-kit cannot express FTS5 or triggers).
-- Full-text search over each order's number, external reference, merchant and customer company, plus
-- bucket tokens for its status (zs<status>), placed month (zm<yyyymm>) and kind (zk<kind>), so a text
-- search combined with those filters is answered inside the index and costs the same however many orders
-- there are. Kept in step by triggers; the FTS rowid is the order's rowid.
CREATE VIRTUAL TABLE `orders_fts` USING fts5(`body`, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `orders_fts_after_insert` AFTER INSERT ON `orders` BEGIN
  INSERT INTO orders_fts (rowid, body) VALUES (
    NEW.rowid,
    NEW.number || ' ' || coalesce(NEW.external_ref, '') || ' ' || coalesce(NEW.merchant, '') || ' '
      || coalesce((SELECT company FROM customers WHERE id = NEW.customer_id), '')
      || ' zs' || replace(NEW.status, '_', '') || ' zm' || substr(NEW.placed_at, 1, 4) || substr(NEW.placed_at, 6, 2)
      || ' zk' || NEW.kind
  );
END;
--> statement-breakpoint
CREATE TRIGGER `orders_fts_after_update` AFTER UPDATE OF number, external_ref, merchant, customer_id, status, placed_at, kind ON `orders` BEGIN
  UPDATE orders_fts SET body = NEW.number || ' ' || coalesce(NEW.external_ref, '') || ' ' || coalesce(NEW.merchant, '') || ' '
      || coalesce((SELECT company FROM customers WHERE id = NEW.customer_id), '')
      || ' zs' || replace(NEW.status, '_', '') || ' zm' || substr(NEW.placed_at, 1, 4) || substr(NEW.placed_at, 6, 2)
      || ' zk' || NEW.kind
   WHERE rowid = NEW.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `orders_fts_after_delete` AFTER DELETE ON `orders` BEGIN
  DELETE FROM orders_fts WHERE rowid = OLD.rowid;
END;
