// The rooms by name, typed: how the Worker reaches a room's RPC methods (env.ts stays free of room types).
import { waitUntil } from "cloudflare:workers";
import type { Env } from "../env";
import type { AttendanceRoom } from "./attendance-room";
import type { ClaimRoom } from "./claim-room";
import type { FeedRoom } from "./feed-room";
import type { InventoryRoom } from "./inventory-room";
import type { OrderRoom } from "./order-room";

// env.ts declares the namespaces untyped (it imports no module); wrangler.toml binds each to its class,
// which these casts name.

/** One room per order, named by the order's id. */
export const orderRoom = (env: Env, orderId: string) =>
  (env.ORDER_ROOM as unknown as DurableObjectNamespace<OrderRoom>).getByName(orderId);

/** One room per claim, named by the claim's id. */
export const claimRoom = (env: Env, claimId: string) =>
  (env.CLAIM_ROOM as unknown as DurableObjectNamespace<ClaimRoom>).getByName(claimId);

/** One room per stock location, named by the location's id. */
export const inventoryRoom = (env: Env, locationId: string) =>
  (env.INVENTORY_ROOM as unknown as DurableObjectNamespace<InventoryRoom>).getByName(locationId);

/** One room per count session: the count itself lives there. */
export const countRoom = (env: Env, sessionId: string) =>
  (env.INVENTORY_ROOM as unknown as DurableObjectNamespace<InventoryRoom>).getByName(`count:${sessionId}`);

/** The shop's one live feed. */
export const feedRoom = (env: Env) =>
  (env.FEED_ROOM as unknown as DurableObjectNamespace<FeedRoom>).getByName("shop");

/** The shop's one "who is in" room. */
export const attendanceRoom = (env: Env) =>
  (env.ATTENDANCE_ROOM as unknown as DurableObjectNamespace<AttendanceRoom>).getByName("shop");

/**
 * Tells a room business events in the order given (one stub, one call after another), without holding up
 * the request that made them; a room that cannot be reached is logged with `about` (the order or location).
 */
export function publishInOrder(
  room: { publish(event: Record<string, unknown>): Promise<number> | number },
  events: Record<string, unknown>[],
  about: Record<string, string>,
): void {
  const sent = events.reduce<Promise<unknown>>(
    (previous, event) => previous.then(() => room.publish(event)),
    Promise.resolve(),
  );
  waitUntil(
    sent.catch((error: unknown) =>
      console.error(
        JSON.stringify({ level: "warn", msg: "room publish failed", ...about, error: String(error) }),
      ),
    ),
  );
}
