// The prices module's REST door.
import { createRouter } from "../../lib/openapi";

export const priceRoutes = createRouter();