// Telling a location's room what happened there, without holding up the request that did it: movements
// (the room reads them back from D1 in the order written, numbered by their seq, so none is missed or
// reordered however the calls arrive) and floor events (picks, packing, counts) pushed as they are.
import { waitUntil } from "cloudflare:workers";
import type { Env } from "../../env";
import { inventoryRoom, publishInOrder } from "../../rooms/stubs";
import { announceLowStock } from "./alerts";
import type { MovementView } from "./schemas";

/** Call once the batch that wrote the movements has applied (also checks for stock.low). */
export function publishMovements(env: Env, movements: MovementView[]): void {
  if (movements.length === 0) return;
  announceLowStock(env, movements);
  for (const locationId of new Set(movements.map((m) => m.location_id))) {
    const here = movements.filter((m) => m.location_id === locationId);
    waitUntil(
      inventoryRoom(env, locationId)
        .movementsWritten(here)
        .catch((error: unknown) =>
          console.error(
            JSON.stringify({
              level: "warn",
              msg: "room publish failed",
              location_id: locationId,
              error: String(error),
            }),
          ),
        ),
    );
  }
}

/** Floor events (a pick, a parcel, a count posted) for everyone in the location's room, in the order given. */
export function publishToLocation(env: Env, locationId: string, ...events: Record<string, unknown>[]): void {
  publishInOrder(inventoryRoom(env, locationId), events, { location_id: locationId });
}
