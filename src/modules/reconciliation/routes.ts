// The reconciliation module's REST door.
import { createRouter } from "../../lib/openapi";

export const reconciliationRoutes = createRouter();
