CREATE TABLE `count_results` (
	`session_id` text NOT NULL,
	`product_id` text NOT NULL,
	`expected` integer NOT NULL,
	`counted` integer NOT NULL,
	`version_seen` integer NOT NULL,
	`counted_by` text,
	`movement_id` text,
	`posted_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `count_results_uq` ON `count_results` (`session_id`,`product_id`,`posted_at`);--> statement-breakpoint
CREATE TABLE `count_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`location_id` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`shelf` text,
	`category_id` text,
	`note` text,
	`lines` integer NOT NULL,
	`opened_by` text NOT NULL,
	`opened_at` text NOT NULL,
	`posted_by` text,
	`posted_at` text,
	`cancelled_at` text
);
--> statement-breakpoint
CREATE INDEX `count_sessions_location_idx` ON `count_sessions` (`location_id`,`opened_at`,`id`);--> statement-breakpoint
CREATE TABLE `parcels` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`weight_grams` integer NOT NULL,
	`length_mm` integer,
	`width_mm` integer,
	`height_mm` integer,
	`packed_by` text NOT NULL,
	`packed_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `parcels_order_idx` ON `parcels` (`order_id`,`packed_at`);--> statement-breakpoint
CREATE TABLE `pick_lines` (
	`id` text PRIMARY KEY NOT NULL,
	`pick_list_id` text NOT NULL,
	`position` integer NOT NULL,
	`order_id` text NOT NULL,
	`order_line_id` text NOT NULL,
	`product_id` text NOT NULL,
	`sku` text NOT NULL,
	`name` text NOT NULL,
	`bin` text,
	`quantity` integer NOT NULL,
	`picked` integer DEFAULT 0 NOT NULL,
	`short_quantity` integer,
	`short_reason` text,
	`active` integer DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE INDEX `pick_lines_list_idx` ON `pick_lines` (`pick_list_id`,`position`);--> statement-breakpoint
CREATE UNIQUE INDEX `pick_lines_active_uq` ON `pick_lines` (`order_line_id`) WHERE active = 1;--> statement-breakpoint
CREATE INDEX `pick_lines_order_idx` ON `pick_lines` (`order_id`);--> statement-breakpoint
CREATE TABLE `pick_lists` (
	`id` text PRIMARY KEY NOT NULL,
	`location_id` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`picker_id` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `pick_lists_location_idx` ON `pick_lists` (`location_id`,`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `scans` (
	`id` text PRIMARY KEY NOT NULL,
	`actor_id` text NOT NULL,
	`client_id` text,
	`code` text NOT NULL,
	`reader` text,
	`count_session_id` text,
	`pick_list_id` text,
	`location_id` text,
	`target` text,
	`target_id` text,
	`action` text NOT NULL,
	`outcome` text NOT NULL,
	`detail` text,
	`answer` text,
	`scanned_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `scans_client_uq` ON `scans` (`actor_id`,`client_id`);--> statement-breakpoint
CREATE INDEX `scans_at_idx` ON `scans` (`scanned_at`,`id`);--> statement-breakpoint
CREATE INDEX `scans_count_idx` ON `scans` (`count_session_id`);--> statement-breakpoint
ALTER TABLE `stock_levels` ADD `bin` text;--> statement-breakpoint
CREATE INDEX `stock_levels_location_bin_idx` ON `stock_levels` (`location_id`,`bin`);--> statement-breakpoint
ALTER TABLE `stock_movements` ADD `seq` integer DEFAULT 0 NOT NULL;