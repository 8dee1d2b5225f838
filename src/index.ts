// The Worker's entry points, and nothing else: HTTP, email, the clock, and the room classes.
import { app } from "./app";
import type { Env } from "./env";
import { handleEmail } from "./intake/email";
import { handleScheduled } from "./modules/system/cron";

export { InventoryRoom } from "./rooms/inventory-room";
export { OrderRoom } from "./rooms/order-room";

export default {
  fetch: app.fetch,
  email: handleEmail,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;
