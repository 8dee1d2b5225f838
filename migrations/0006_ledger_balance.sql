ALTER TABLE `ledger_entries` ADD `seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `ledger_entries` ADD `balance_after_minor` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `ledger_entries_customer_seq_idx` ON `ledger_entries` (`customer_id`,`seq`);--> statement-breakpoint
CREATE INDEX `ledger_entries_balance_idx` ON `ledger_entries` (`customer_id`,`currency`,`seq`);