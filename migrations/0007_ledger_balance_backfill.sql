-- Custom migration (drizzle-kit generate --custom): numbers each customer's existing ledger entries in the
-- order they were listed (created_at, id) and stores each entry's running balance in its currency, which
-- 0006 added as columns. New entries get both inside their insert (src/modules/ledger/service.ts).
UPDATE ledger_entries SET seq = numbered.seq
  FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY created_at, id) AS seq FROM ledger_entries) AS numbered
 WHERE ledger_entries.id = numbered.id;--> statement-breakpoint
UPDATE ledger_entries SET balance_after_minor = running.balance
  FROM (SELECT id,
               SUM(CASE direction WHEN 'debit' THEN amount_minor ELSE -amount_minor END)
                 OVER (PARTITION BY customer_id, currency ORDER BY seq ROWS UNBOUNDED PRECEDING) AS balance
          FROM ledger_entries) AS running
 WHERE ledger_entries.id = running.id;
