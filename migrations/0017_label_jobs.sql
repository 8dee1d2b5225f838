CREATE TABLE `label_job_chunks` (
	`job_id` text NOT NULL,
	`n` integer NOT NULL,
	`labels` integer NOT NULL,
	`pages` integer NOT NULL,
	`bytes` integer NOT NULL,
	`render_ms` integer NOT NULL,
	`rendered_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`job_id`, `n`)
);
--> statement-breakpoint
CREATE TABLE `label_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`template` text NOT NULL,
	`stock` text NOT NULL,
	`stock_grid` text,
	`source` text NOT NULL,
	`copies` integer NOT NULL,
	`start` integer NOT NULL,
	`status` text NOT NULL,
	`labels` integer NOT NULL,
	`labels_done` integer DEFAULT 0 NOT NULL,
	`chunks` integer NOT NULL,
	`chunks_done` integer DEFAULT 0 NOT NULL,
	`pages` integer,
	`bytes` integer,
	`items_key` text NOT NULL,
	`file_key` text,
	`error` text,
	`reprint_of` text,
	`created_by` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`started_at` text,
	`finished_at` text
);
--> statement-breakpoint
CREATE INDEX `label_jobs_created_idx` ON `label_jobs` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `label_jobs_status_created_idx` ON `label_jobs` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `shop_profile` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`legal_name` text,
	`address` text,
	`tax_id` text,
	`email` text,
	`phone` text,
	`updated_by` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
