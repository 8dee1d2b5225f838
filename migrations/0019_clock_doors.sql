CREATE TABLE `price_items` (
	`id` text PRIMARY KEY NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`product_id` text,
	`url` text,
	`alert_below_minor` integer,
	`change_threshold_bp` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `price_items_key_uq` ON `price_items` (`key`);--> statement-breakpoint
CREATE INDEX `price_items_product_idx` ON `price_items` (`product_id`);--> statement-breakpoint
CREATE TABLE `price_observations` (
	`id` text PRIMARY KEY NOT NULL,
	`item_id` text NOT NULL,
	`source` text NOT NULL,
	`price_minor` integer NOT NULL,
	`currency` text NOT NULL,
	`observed_at` text NOT NULL,
	`scrape_job_id` text
);
--> statement-breakpoint
CREATE INDEX `price_observations_item_idx` ON `price_observations` (`item_id`,`observed_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `price_observations_uq` ON `price_observations` (`item_id`,`source`,`observed_at`);--> statement-breakpoint
CREATE TABLE `scrape_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`target_id` text NOT NULL,
	`trigger` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`pages` integer DEFAULT 0 NOT NULL,
	`records_found` integer DEFAULT 0 NOT NULL,
	`outcome` text,
	`ingest_record_id` text,
	`screenshot_key` text,
	`duration_ms` integer,
	`started_at` text,
	`finished_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `scrape_jobs_target_idx` ON `scrape_jobs` (`target_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `scrape_jobs_status_idx` ON `scrape_jobs` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `scrape_jobs_created_idx` ON `scrape_jobs` (`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `scrape_targets` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`start_url` text NOT NULL,
	`kind` text NOT NULL,
	`recipe` text NOT NULL,
	`interval_minutes` integer NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`paused_reason` text,
	`failures_in_a_row` integer DEFAULT 0 NOT NULL,
	`last_hash` text,
	`last_run_at` text,
	`next_run_at` text NOT NULL,
	`created_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `scrape_targets_name_uq` ON `scrape_targets` (`name`);--> statement-breakpoint
CREATE INDEX `scrape_targets_due_idx` ON `scrape_targets` (`enabled`,`next_run_at`);--> statement-breakpoint
CREATE TABLE `store_connections` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`base_url` text NOT NULL,
	`token_secret` text NOT NULL,
	`page_size` integer DEFAULT 50 NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`cursors` text NOT NULL,
	`last_success_at` text,
	`last_error` text,
	`last_error_at` text,
	`created_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `store_connections_name_uq` ON `store_connections` (`name`);--> statement-breakpoint
CREATE TABLE `store_pulls` (
	`id` text PRIMARY KEY NOT NULL,
	`connection_id` text NOT NULL,
	`trigger` text NOT NULL,
	`status` text NOT NULL,
	`pages` integer DEFAULT 0 NOT NULL,
	`orders_created` integer DEFAULT 0 NOT NULL,
	`orders_updated` integer DEFAULT 0 NOT NULL,
	`orders_unchanged` integer DEFAULT 0 NOT NULL,
	`invoices` integer DEFAULT 0 NOT NULL,
	`error` text,
	`started_at` text NOT NULL,
	`finished_at` text
);
--> statement-breakpoint
CREATE INDEX `store_pulls_connection_idx` ON `store_pulls` (`connection_id`,`started_at`,`id`);