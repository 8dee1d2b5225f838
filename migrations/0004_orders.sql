CREATE TABLE `order_counters` (
	`year` integer PRIMARY KEY NOT NULL,
	`last` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `order_events` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`type` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`source` text NOT NULL,
	`actor_id` text,
	`details` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `order_events_order_idx` ON `order_events` (`order_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `order_lines` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`line_no` integer NOT NULL,
	`product_id` text,
	`sku` text NOT NULL,
	`name` text NOT NULL,
	`quantity` integer NOT NULL,
	`unit_price_minor` integer NOT NULL,
	`tax_rate_bp` integer DEFAULT 0 NOT NULL,
	`location_id` text,
	`reserved` integer DEFAULT 0 NOT NULL,
	`fill` text NOT NULL,
	`risk_reason` text,
	`substitutes` text NOT NULL,
	`replaced_product_id` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `order_lines_no_uq` ON `order_lines` (`order_id`,`line_no`);--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`number` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`source` text NOT NULL,
	`external_ref` text,
	`customer_id` text,
	`merchant` text,
	`currency` text NOT NULL,
	`subtotal_minor` integer NOT NULL,
	`tax_minor` integer NOT NULL,
	`shipping_minor` integer DEFAULT 0 NOT NULL,
	`discount_minor` integer DEFAULT 0 NOT NULL,
	`total_minor` integer NOT NULL,
	`payment_status` text DEFAULT 'unpaid' NOT NULL,
	`carrier` text,
	`tracking_number` text,
	`tracking_url` text,
	`notes` text,
	`staff_notes` text,
	`intake_hash` text,
	`version` integer DEFAULT 0 NOT NULL,
	`placed_at` text NOT NULL,
	`under_risk_at` text,
	`awaiting_customer_at` text,
	`picking_at` text,
	`shipped_at` text,
	`delivered_at` text,
	`cancelled_at` text,
	`created_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_number_uq` ON `orders` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `orders_source_ref_uq` ON `orders` (`source`,`external_ref`);--> statement-breakpoint
CREATE INDEX `orders_placed_idx` ON `orders` (`placed_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_status_placed_idx` ON `orders` (`status`,`placed_at`,`id`);--> statement-breakpoint
CREATE INDEX `orders_customer_placed_idx` ON `orders` (`customer_id`,`placed_at`,`id`);--> statement-breakpoint
CREATE TABLE `batch_guards` (
	`name` text NOT NULL,
	`ok` integer NOT NULL,
	CONSTRAINT "batch_guards_ok" CHECK("batch_guards"."ok" = 1)
);
