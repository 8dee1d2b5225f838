CREATE TABLE `delivery_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`delivery_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`at` text NOT NULL,
	`status_code` integer,
	`latency_ms` integer NOT NULL,
	`response_excerpt` text,
	`error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `delivery_attempts_uq` ON `delivery_attempts` (`delivery_id`,`attempt`);--> statement-breakpoint
CREATE TABLE `event_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`subscription_id` text NOT NULL,
	`event_id` text NOT NULL,
	`event_type` text NOT NULL,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_status_code` integer,
	`next_attempt_at` text,
	`delivered_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `event_deliveries_event_uq` ON `event_deliveries` (`subscription_id`,`event_id`);--> statement-breakpoint
CREATE INDEX `event_deliveries_sub_idx` ON `event_deliveries` (`subscription_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `event_subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`event_types` text NOT NULL,
	`secret` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`disabled_reason` text,
	`created_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `event_subscriptions_created_idx` ON `event_subscriptions` (`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `ingest_records` (
	`id` text PRIMARY KEY NOT NULL,
	`door` text NOT NULL,
	`source` text NOT NULL,
	`received_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`sha256` text,
	`r2_key` text,
	`size` integer DEFAULT 0 NOT NULL,
	`content_type` text,
	`delivery_id` text,
	`sender` text,
	`subject` text,
	`verdict` text NOT NULL,
	`reason` text,
	`duplicate_of` text,
	`outcome` text,
	`detail` text,
	`results` text,
	`order_id` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`processed_at` text
);
--> statement-breakpoint
CREATE INDEX `ingest_received_idx` ON `ingest_records` (`received_at`,`id`);--> statement-breakpoint
CREATE INDEX `ingest_door_source_idx` ON `ingest_records` (`door`,`source`,`received_at`);--> statement-breakpoint
CREATE INDEX `ingest_order_idx` ON `ingest_records` (`order_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `ingest_delivery_uq` ON `ingest_records` (`door`,`source`,`delivery_id`) WHERE verdict = 'accepted' AND delivery_id IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `ingest_email_bytes_uq` ON `ingest_records` (`door`,`sha256`) WHERE verdict = 'accepted' AND door = 'email';--> statement-breakpoint
CREATE TABLE `mail_templates` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`sender` text NOT NULL,
	`subject_pattern` text,
	`kind` text NOT NULL,
	`fields` text NOT NULL,
	`line_pattern` text,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `mail_templates_sender_idx` ON `mail_templates` (`sender`);--> statement-breakpoint
CREATE TABLE `mailboxes` (
	`id` text PRIMARY KEY NOT NULL,
	`address` text NOT NULL,
	`order_kind` text NOT NULL,
	`source` text NOT NULL,
	`allowed_senders` text NOT NULL,
	`default_currency` text DEFAULT 'EUR' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mailboxes_address_uq` ON `mailboxes` (`address`);--> statement-breakpoint
CREATE TABLE `webhook_secrets` (
	`id` text PRIMARY KEY NOT NULL,
	`source_id` text NOT NULL,
	`secret` text NOT NULL,
	`label` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_secrets_source_idx` ON `webhook_secrets` (`source_id`);--> statement-breakpoint
CREATE TABLE `webhook_sources` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`order_kind` text DEFAULT 'sale' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_sources_name_uq` ON `webhook_sources` (`name`);--> statement-breakpoint
ALTER TABLE `orders` ADD `buyer_name` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `buyer_email` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `buyer_phone` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `shipping_address` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `billing_address` text;--> statement-breakpoint
CREATE INDEX `orders_buyer_email_idx` ON `orders` (`buyer_email`,`placed_at`);