CREATE TABLE `device_events` (
	`id` text PRIMARY KEY NOT NULL,
	`device_id` text NOT NULL,
	`event_id` text NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`reader` text NOT NULL,
	`read_at` text NOT NULL,
	`received_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`ingest_id` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `device_events_event_uq` ON `device_events` (`device_id`,`event_id`);--> statement-breakpoint
CREATE INDEX `device_events_kind_read_idx` ON `device_events` (`kind`,`read_at`);--> statement-breakpoint
ALTER TABLE `devices` ADD `agent_version` text;