// What on-site devices (the agent beside the card readers and barcode scanners) send: each read once.
import { sql } from "drizzle-orm";
import { index, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

export const DEVICE_EVENT_KINDS = ["card", "barcode"] as const;

/**
 * One read (a card UID at a door reader, a barcode at a scanner), taken once per device and agent event id.
 * Attendance reads the card reads, scan resolution the barcode reads; the raw batch it came in is the ingest
 * record `ingest_id`.
 */
export const deviceEvents = sqliteTable(
  "device_events",
  {
    id: text("id").primaryKey(),
    deviceId: text("device_id").notNull(),
    /** The agent's own id for the read: a resend of it is a duplicate. */
    eventId: text("event_id").notNull(),
    kind: text("kind", { enum: DEVICE_EVENT_KINDS }).notNull(),
    /** The card UID or the barcode text, as read. */
    value: text("value").notNull(),
    /** The agent's name for the port it came from, e.g. "door" or "stockroom". */
    reader: text("reader").notNull(),
    readAt: text("read_at").notNull(),
    receivedAt: text("received_at").notNull().default(now),
    ingestId: text("ingest_id"),
  },
  (t) => [
    uniqueIndex("device_events_event_uq").on(t.deviceId, t.eventId),
    index("device_events_kind_read_idx").on(t.kind, t.readAt),
  ],
);
