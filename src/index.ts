// The Worker's entry points, and nothing else: HTTP, email, the clock, and the room classes. Each door
// loads its code on first use, so an isolate starts without building what its first request does not need.
import type { Env } from "./env";
import type { EventMessage } from "./modules/events/announce";
import { alive, LIVENESS_PATHS } from "./modules/health/liveness";
import type { ImportMessage } from "./modules/imports/queue";
import type { IngestMessage } from "./modules/ingest/store";
import type { LabelMessage } from "./modules/labels/jobs";

export { AttendanceRoom } from "./rooms/attendance-room";
export { ClaimRoom } from "./rooms/claim-room";
export { FeedRoom } from "./rooms/feed-room";
export { InventoryRoom } from "./rooms/inventory-room";
export { OrderRoom } from "./rooms/order-room";

let app:
  | Promise<{ fetch: (request: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response> }>
  | undefined;

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext) {
    const started = performance.now();
    if (request.method === "GET" && LIVENESS_PATHS.has(new URL(request.url).pathname)) {
      return alive(request, env, started);
    }
    app ??= import("./app").then((m) => m.app);
    return (await app).fetch(request, env, ctx);
  },
  async email(message, env, ctx) {
    return (await import("./intake/email")).handleEmail(message, env, ctx);
  },
  async queue(batch, env) {
    if (batch.queue === "roms-ingest") {
      return (await import("./modules/ingest/queue")).handleIngestQueue(
        batch as MessageBatch<IngestMessage>,
        env,
      );
    }
    if (batch.queue === "roms-imports") {
      return (await import("./modules/imports/queue")).handleImportQueue(
        batch as MessageBatch<ImportMessage>,
        env,
      );
    }
    if (batch.queue === "roms-labels") {
      return (await import("./modules/labels/render")).handleLabelQueue(
        batch as MessageBatch<LabelMessage>,
        env,
      );
    }
    return (await import("./modules/events/queue")).handleQueue(batch as MessageBatch<EventMessage>, env);
  },
  async scheduled(controller, env, ctx) {
    return (await import("./modules/system/cron")).handleScheduled(controller, env, ctx);
  },
} satisfies ExportedHandler<Env>;
