// Store pulls on the clock (stub: the connectors module fills this in).
import type { Env } from "../../env";

/** Pulls every enabled connection that is due. */
export async function pullDueConnections(_env: Env, _at: Date): Promise<unknown> {
  return { pulled: 0 };
}
