-- The bare Worker's device reads: one row per device and read id, as ROMS's device_events keeps them.
CREATE TABLE device_events (
  id TEXT PRIMARY KEY,
  device_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  reader TEXT NOT NULL,
  read_at TEXT NOT NULL
);
CREATE UNIQUE INDEX device_events_event_uq ON device_events (device_id, event_id);
