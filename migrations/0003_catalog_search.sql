-- Custom migration (made by `drizzle-kit generate --custom`; drizzle-kit cannot express FTS5 or triggers).
-- Full-text search over each product's name, SKU and barcodes, kept in step by triggers; the FTS rowid is
-- the product's rowid.
CREATE VIRTUAL TABLE `products_fts` USING fts5(`body`, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `products_fts_after_insert` AFTER INSERT ON `products` BEGIN
  INSERT INTO products_fts (rowid, body) VALUES (NEW.rowid, NEW.name || ' ' || NEW.sku);
END;
--> statement-breakpoint
CREATE TRIGGER `products_fts_after_update` AFTER UPDATE OF name, sku ON `products` BEGIN
  UPDATE products_fts
     SET body = NEW.name || ' ' || NEW.sku
       || coalesce((SELECT ' ' || group_concat(barcode, ' ') FROM product_barcodes WHERE product_id = NEW.id), '')
   WHERE rowid = NEW.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `products_fts_after_delete` AFTER DELETE ON `products` BEGIN
  DELETE FROM products_fts WHERE rowid = OLD.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER `product_barcodes_fts_after_insert` AFTER INSERT ON `product_barcodes` BEGIN
  UPDATE products_fts
     SET body = (SELECT p.name || ' ' || p.sku FROM products p WHERE p.id = NEW.product_id)
       || coalesce((SELECT ' ' || group_concat(barcode, ' ') FROM product_barcodes WHERE product_id = NEW.product_id), '')
   WHERE rowid = (SELECT rowid FROM products WHERE id = NEW.product_id);
END;
--> statement-breakpoint
CREATE TRIGGER `product_barcodes_fts_after_delete` AFTER DELETE ON `product_barcodes` BEGIN
  UPDATE products_fts
     SET body = (SELECT p.name || ' ' || p.sku FROM products p WHERE p.id = OLD.product_id)
       || coalesce((SELECT ' ' || group_concat(barcode, ' ') FROM product_barcodes WHERE product_id = OLD.product_id), '')
   WHERE rowid = (SELECT rowid FROM products WHERE id = OLD.product_id);
END;
