CREATE TABLE `billing_counters` (
	`series` text NOT NULL,
	`year` integer NOT NULL,
	`last` integer NOT NULL,
	PRIMARY KEY(`series`, `year`)
);
--> statement-breakpoint
CREATE TABLE `card_statements` (
	`id` text PRIMARY KEY NOT NULL,
	`bank` text NOT NULL,
	`file_hash` text NOT NULL,
	`file_key` text NOT NULL,
	`filename` text,
	`rows` integer NOT NULL,
	`created_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `card_statements_hash_uq` ON `card_statements` (`file_hash`);--> statement-breakpoint
CREATE INDEX `card_statements_created_idx` ON `card_statements` (`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `card_transactions` (
	`id` text PRIMARY KEY NOT NULL,
	`statement_id` text NOT NULL,
	`line_no` integer NOT NULL,
	`posted_on` text NOT NULL,
	`description` text NOT NULL,
	`reference` text,
	`amount_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`order_id` text,
	`matched_by` text,
	`score` integer,
	`candidates` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `card_transactions_line_uq` ON `card_transactions` (`statement_id`,`line_no`);--> statement-breakpoint
CREATE INDEX `card_transactions_status_idx` ON `card_transactions` (`statement_id`,`status`,`line_no`);--> statement-breakpoint
CREATE UNIQUE INDEX `card_transactions_order_uq` ON `card_transactions` (`order_id`);--> statement-breakpoint
CREATE TABLE `invoices` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`number` text NOT NULL,
	`order_id` text NOT NULL,
	`customer_id` text,
	`refers_to_id` text,
	`claim_id` text,
	`currency` text NOT NULL,
	`lines` text NOT NULL,
	`net_minor` integer NOT NULL,
	`tax_minor` integer NOT NULL,
	`total_minor` integer NOT NULL,
	`seller` text NOT NULL,
	`buyer` text NOT NULL,
	`issued_on` text NOT NULL,
	`due_on` text,
	`note` text,
	`pdf_key` text,
	`created_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_number_uq` ON `invoices` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_order_invoice_uq` ON `invoices` (`order_id`) WHERE kind = 'invoice';--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_claim_uq` ON `invoices` (`claim_id`);--> statement-breakpoint
CREATE INDEX `invoices_order_idx` ON `invoices` (`order_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `invoices_customer_idx` ON `invoices` (`customer_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `invoices_created_idx` ON `invoices` (`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `payments` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`order_id` text NOT NULL,
	`customer_id` text,
	`invoice_id` text,
	`method` text NOT NULL,
	`reference` text,
	`amount_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`received_at` text NOT NULL,
	`note` text,
	`created_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `payments_order_idx` ON `payments` (`order_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `payments_customer_idx` ON `payments` (`customer_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `statement_mappings` (
	`bank` text PRIMARY KEY NOT NULL,
	`mapping` text NOT NULL,
	`updated_by` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `claim_events` (
	`id` text PRIMARY KEY NOT NULL,
	`claim_id` text NOT NULL,
	`type` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`actor_id` text,
	`details` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `claim_events_claim_idx` ON `claim_events` (`claim_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `claim_lines` (
	`id` text PRIMARY KEY NOT NULL,
	`claim_id` text NOT NULL,
	`order_line_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`reason` text NOT NULL,
	`description` text,
	`value_minor` integer NOT NULL,
	`refund_quantity` integer,
	`replace_quantity` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `claim_lines_uq` ON `claim_lines` (`claim_id`,`order_line_id`);--> statement-breakpoint
CREATE TABLE `claim_photos` (
	`id` text PRIMARY KEY NOT NULL,
	`claim_id` text NOT NULL,
	`content_type` text NOT NULL,
	`bytes` integer NOT NULL,
	`sha256` text NOT NULL,
	`key` text NOT NULL,
	`filename` text,
	`uploaded_by` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `claim_photos_claim_idx` ON `claim_photos` (`claim_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `claim_photos_hash_uq` ON `claim_photos` (`claim_id`,`sha256`);--> statement-breakpoint
CREATE TABLE `claim_settings` (
	`id` text PRIMARY KEY NOT NULL,
	`auto_approve` integer NOT NULL,
	`auto_approve_max_minor` integer NOT NULL,
	`window_days` integer NOT NULL,
	`history_days` integer NOT NULL,
	`history_max_claims` integer NOT NULL,
	`updated_by` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `claims` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`status` text NOT NULL,
	`currency` text NOT NULL,
	`claimed_minor` integer NOT NULL,
	`review` text,
	`refund_minor` integer,
	`credit_note_id` text,
	`replacement_order_id` text,
	`decision_note` text,
	`decided_by` text,
	`filed_by` text NOT NULL,
	`version` integer DEFAULT 0 NOT NULL,
	`submitted_at` text,
	`decided_at` text,
	`resolved_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `claims_status_idx` ON `claims` (`status`,`submitted_at`,`id`);--> statement-breakpoint
CREATE INDEX `claims_customer_idx` ON `claims` (`customer_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `claims_order_idx` ON `claims` (`order_id`);--> statement-breakpoint
CREATE INDEX `claims_created_idx` ON `claims` (`created_at`,`id`);--> statement-breakpoint
ALTER TABLE `customers` ADD `payment_terms_days` integer;--> statement-breakpoint
CREATE INDEX `orders_kind_amount_idx` ON `orders` (`kind`,`currency`,`total_minor`,`placed_at`);