// A durable outbox on disk: an event is on disk (fsynced) before it counts as received, and leaves only
// once the API has acknowledged it. One file per event, written to a temp name and renamed, so a crash at
// any moment leaves either the whole event or nothing.
import { randomUUID } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, unlink } from "node:fs/promises";
import path from "node:path";

export interface ScanEvent {
  /** Idempotency key: the API records an event id once however often it is sent. */
  id: string;
  /** What produced it: a card reader (clock in/out) or a barcode scanner (stock). */
  kind: "card" | "barcode";
  /** The card UID or barcode text, as read. */
  value: string;
  /** The port's configured name, e.g. "door" or "stockroom". */
  source: string;
  /** When it was read, RFC 3339 UTC. */
  at: string;
}

let lastMs = 0;
let counter = 0;
/**
 * Time-sortable, monotonic id: milliseconds in fixed width, a counter for events read within the same
 * millisecond, then randomness. The outbox sends in id order, so this keeps the order of reading.
 */
export function newEventId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
  } else {
    counter++;
  }
  return `${lastMs.toString().padStart(15, "0")}-${counter.toString().padStart(6, "0")}-${randomUUID()}`;
}

export class Outbox {
  readonly dir: string;
  readonly pendingDir: string;
  readonly deadDir: string;

  constructor(dir: string) {
    this.dir = dir;
    this.pendingDir = path.join(dir, "pending");
    this.deadDir = path.join(dir, "dead");
  }

  async init(): Promise<this> {
    await mkdir(this.pendingDir, { recursive: true });
    await mkdir(this.deadDir, { recursive: true });
    return this;
  }

  async put(event: ScanEvent): Promise<void> {
    const final = path.join(this.pendingDir, `${event.id}.json`);
    const temp = `${final}.tmp`;
    const file = await open(temp, "w");
    try {
      await file.writeFile(JSON.stringify(event));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, final);
    // The rename is durable only once the directory entry is.
    const dir = await open(this.pendingDir, "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  /** Pending events, oldest first. Leftover temp files are half-written events from a crash: ignored. */
  async pending(): Promise<ScanEvent[]> {
    const names = (await readdir(this.pendingDir)).filter((n) => n.endsWith(".json")).sort();
    const events: ScanEvent[] = [];
    for (const name of names) {
      try {
        events.push(JSON.parse(await readFile(path.join(this.pendingDir, name), "utf8")) as ScanEvent);
      } catch {
        // Removed by a concurrent ack, or unreadable: an unreadable file stays for a person to look at.
      }
    }
    return events;
  }

  /** How many events wait to be sent and how many were refused for good; 0 for a directory not made yet. */
  async depth(): Promise<{ pending: number; dead: number }> {
    const count = async (dir: string) => {
      try {
        return (await readdir(dir)).filter((n) => n.endsWith(".json")).length;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
        throw error;
      }
    };
    return { pending: await count(this.pendingDir), dead: await count(this.deadDir) };
  }

  /** The oldest pending event, without reading the rest; undefined if there is none. */
  async oldestPending(): Promise<ScanEvent | undefined> {
    let names: string[];
    try {
      names = (await readdir(this.pendingDir)).filter((n) => n.endsWith(".json")).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    for (const name of names) {
      try {
        return JSON.parse(await readFile(path.join(this.pendingDir, name), "utf8")) as ScanEvent;
      } catch {
        // Acked meanwhile, or unreadable: the next one is the oldest that counts.
      }
    }
    return undefined;
  }

  async ack(id: string): Promise<void> {
    await unlink(path.join(this.pendingDir, `${id}.json`)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  }

  /** Moves an event the API refused for good aside, with the reason: kept, never silently dropped. */
  async bury(id: string, reason: string): Promise<void> {
    const from = path.join(this.pendingDir, `${id}.json`);
    const event = JSON.parse(await readFile(from, "utf8")) as ScanEvent;
    const target = path.join(this.deadDir, `${id}.json`);
    const file = await open(target, "w");
    try {
      await file.writeFile(JSON.stringify({ event, reason, buried_at: new Date().toISOString() }));
      await file.sync();
    } finally {
      await file.close();
    }
    await unlink(from);
  }
}
