// The claims module's REST door.
import { createRouter } from "../../lib/openapi";

export const claimRoutes = createRouter();
