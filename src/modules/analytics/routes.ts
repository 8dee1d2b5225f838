// The analytics module's REST door.
import { createRouter } from "../../lib/openapi";

export const analyticsRoutes = createRouter();
