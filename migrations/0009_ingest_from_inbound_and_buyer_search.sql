-- Custom migration (made by `drizzle-kit generate --custom`): drizzle-kit cannot move rows or express triggers.
-- 1. Every message the email door kept so far becomes an ingest record (door 'email', source = the mailbox),
--    pending, so a reprocess can read orders out of it now that the door reads mail.
INSERT INTO ingest_records (id, door, source, received_at, sha256, r2_key, size, content_type, delivery_id,
  sender, subject, verdict, outcome, detail, attempts)
SELECT id, 'email', lower(rcpt_to), received_at, sha256, r2_key, size, 'message/rfc822', message_id,
  mail_from, subject, 'accepted', CASE status WHEN 'failed' THEN 'failed' ELSE 'pending' END, error, 0
FROM inbound_messages;
--> statement-breakpoint
-- 2. Order search also finds the buyer's email address and name.
DROP TRIGGER `orders_fts_after_insert`;
--> statement-breakpoint
DROP TRIGGER `orders_fts_after_update`;
--> statement-breakpoint
CREATE TRIGGER `orders_fts_after_insert` AFTER INSERT ON `orders` BEGIN
  INSERT INTO orders_fts (rowid, body) VALUES (
    NEW.rowid,
    NEW.number || ' ' || coalesce(NEW.external_ref, '') || ' ' || coalesce(NEW.merchant, '') || ' '
      || coalesce((SELECT company FROM customers WHERE id = NEW.customer_id), '') || ' '
      || coalesce(NEW.buyer_email, '') || ' ' || coalesce(NEW.buyer_name, '')
      || ' zs' || replace(NEW.status, '_', '') || ' zm' || substr(NEW.placed_at, 1, 4) || substr(NEW.placed_at, 6, 2)
      || ' zk' || NEW.kind
  );
END;
--> statement-breakpoint
CREATE TRIGGER `orders_fts_after_update` AFTER UPDATE OF number, external_ref, merchant, customer_id, status, placed_at, kind, buyer_email, buyer_name ON `orders` BEGIN
  UPDATE orders_fts SET body = NEW.number || ' ' || coalesce(NEW.external_ref, '') || ' ' || coalesce(NEW.merchant, '') || ' '
      || coalesce((SELECT company FROM customers WHERE id = NEW.customer_id), '') || ' '
      || coalesce(NEW.buyer_email, '') || ' ' || coalesce(NEW.buyer_name, '')
      || ' zs' || replace(NEW.status, '_', '') || ' zm' || substr(NEW.placed_at, 1, 4) || substr(NEW.placed_at, 6, 2)
      || ' zk' || NEW.kind
   WHERE rowid = NEW.rowid;
END;
