CREATE TABLE `attendance_corrections` (
	`id` text PRIMARY KEY NOT NULL,
	`employee_id` text NOT NULL,
	`kind` text NOT NULL,
	`at` text NOT NULL,
	`punch_id` text,
	`reason` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`withdrawn_at` text,
	`withdrawn_by` text,
	`withdraw_reason` text
);
--> statement-breakpoint
CREATE INDEX `attendance_corrections_at_idx` ON `attendance_corrections` (`at`,`id`);--> statement-breakpoint
CREATE INDEX `attendance_corrections_employee_idx` ON `attendance_corrections` (`employee_id`,`at`);--> statement-breakpoint
CREATE TABLE `cards` (
	`id` text PRIMARY KEY NOT NULL,
	`uid` text NOT NULL,
	`employee_id` text NOT NULL,
	`enrolled_at` text NOT NULL,
	`enrolled_by` text NOT NULL,
	`device_id` text,
	`revoked_at` text,
	`revoked_by` text,
	`revoke_reason` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cards_active_uid_uq` ON `cards` (`uid`) WHERE revoked_at IS NULL;--> statement-breakpoint
CREATE INDEX `cards_employee_idx` ON `cards` (`employee_id`,`enrolled_at`);--> statement-breakpoint
CREATE TABLE `employees` (
	`id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`schedule` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `employees_code_uq` ON `employees` (`code`);--> statement-breakpoint
CREATE INDEX `employees_name_idx` ON `employees` (`name`,`id`);--> statement-breakpoint
CREATE TABLE `enrollments` (
	`id` text PRIMARY KEY NOT NULL,
	`device_id` text NOT NULL,
	`employee_id` text NOT NULL,
	`state` text DEFAULT 'armed' NOT NULL,
	`armed_by` text NOT NULL,
	`armed_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`card_uid` text,
	`device_event_id` text,
	`reason` text,
	`settled_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `enrollments_armed_uq` ON `enrollments` (`device_id`) WHERE state = 'armed';--> statement-breakpoint
CREATE INDEX `enrollments_device_idx` ON `enrollments` (`device_id`,`armed_at`);--> statement-breakpoint
CREATE INDEX `enrollments_event_idx` ON `enrollments` (`device_event_id`);--> statement-breakpoint
CREATE TABLE `punches` (
	`id` text PRIMARY KEY NOT NULL,
	`employee_id` text NOT NULL,
	`card_id` text NOT NULL,
	`card_uid` text NOT NULL,
	`device_id` text NOT NULL,
	`device_event_id` text NOT NULL,
	`at` text NOT NULL,
	`recorded_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `punches_device_event_uq` ON `punches` (`device_event_id`);--> statement-breakpoint
CREATE INDEX `punches_at_idx` ON `punches` (`at`,`id`);--> statement-breakpoint
CREATE INDEX `punches_employee_at_idx` ON `punches` (`employee_id`,`at`);--> statement-breakpoint
CREATE TABLE `unknown_cards` (
	`uid` text PRIMARY KEY NOT NULL,
	`first_seen_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	`last_device_id` text NOT NULL,
	`reads` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `unknown_cards_seen_idx` ON `unknown_cards` (`last_seen_at`,`uid`);--> statement-breakpoint
ALTER TABLE `devices` ADD `heartbeat_seconds` integer DEFAULT 60 NOT NULL;--> statement-breakpoint
ALTER TABLE `devices` ADD `last_heartbeat` text;