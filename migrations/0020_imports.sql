CREATE TABLE `import_errors` (
	`job_id` text NOT NULL,
	`line_no` integer NOT NULL,
	`message` text NOT NULL,
	`raw` text,
	PRIMARY KEY(`job_id`, `line_no`)
);
--> statement-breakpoint
CREATE TABLE `import_formats` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`mapping` text NOT NULL,
	`created_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `import_formats_name_uq` ON `import_formats` (`name`);--> statement-breakpoint
CREATE TABLE `import_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`format_id` text NOT NULL,
	`filename` text,
	`file_key` text NOT NULL,
	`file_hash` text NOT NULL,
	`bytes` integer NOT NULL,
	`status` text NOT NULL,
	`rows_total` integer,
	`rows_done` integer DEFAULT 0 NOT NULL,
	`rows_failed` integer DEFAULT 0 NOT NULL,
	`orders_created` integer DEFAULT 0 NOT NULL,
	`orders_unchanged` integer DEFAULT 0 NOT NULL,
	`next_byte` integer DEFAULT 0 NOT NULL,
	`next_line` integer DEFAULT 2 NOT NULL,
	`chunks_done` integer DEFAULT 0 NOT NULL,
	`error` text,
	`created_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`started_at` text,
	`finished_at` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `import_jobs_created_idx` ON `import_jobs` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `import_jobs_hash_idx` ON `import_jobs` (`file_hash`);