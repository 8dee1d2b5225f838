// state.json in the outbox directory: how delivery last went, kept by the forwarder so that `roms-agent
// status` can answer from the disk alone, whether or not the agent is running.
import { open, readFile, rename } from "node:fs/promises";
import path from "node:path";
import { Outbox } from "./outbox.ts";

export interface DeliveryState {
  /** When the API last answered a batch 200 (RFC 3339), or null if it never has. */
  last_delivery_at: string | null;
  /** What that batch was. */
  last_batch: {
    at: string;
    events: number;
    accepted: number;
    duplicates: number;
    refused: number;
    first_id: string | undefined;
    last_id: string | undefined;
  } | null;
  /** The last time a batch could not be delivered, kept after later successes: compare `at`. */
  last_error: { at: string; status?: number; msg: string } | null;
}

export const emptyState = (): DeliveryState => ({
  last_delivery_at: null,
  last_batch: null,
  last_error: null,
});

export const statePath = (outboxDir: string): string => path.join(outboxDir, "state.json");

/** The saved state; the empty state if there is none yet or it cannot be read. */
export async function readState(outboxDir: string): Promise<DeliveryState> {
  try {
    const saved = JSON.parse(await readFile(statePath(outboxDir), "utf8")) as Partial<DeliveryState>;
    return { ...emptyState(), ...saved };
  } catch {
    return emptyState();
  }
}

/** Written to a temp name and renamed, so a reader never sees half a file. */
export async function writeState(outboxDir: string, state: DeliveryState): Promise<void> {
  const final = statePath(outboxDir);
  const temp = `${final}.tmp`;
  const file = await open(temp, "w");
  try {
    await file.writeFile(`${JSON.stringify(state, null, 2)}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, final);
}

export interface Status {
  queue_depth: number;
  dead: number;
  /** When the oldest event still waiting was read. */
  oldest_pending_at: string | null;
  last_delivery_at: string | null;
  last_error: DeliveryState["last_error"];
}

/** What `roms-agent status` prints, from the outbox directory alone; touches nothing. */
export async function readStatus(outboxDir: string): Promise<Status> {
  const outbox = new Outbox(outboxDir);
  const { pending, dead } = await outbox.depth();
  const oldest = pending > 0 ? await outbox.oldestPending() : undefined;
  const state = await readState(outboxDir);
  return {
    queue_depth: pending,
    dead,
    oldest_pending_at: oldest?.at ?? null,
    last_delivery_at: state.last_delivery_at,
    last_error: state.last_error,
  };
}
