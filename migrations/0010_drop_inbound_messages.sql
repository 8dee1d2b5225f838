DROP TABLE `inbound_messages`;--> statement-breakpoint
CREATE INDEX `ingest_pending_idx` ON `ingest_records` (`received_at`) WHERE outcome = 'pending';