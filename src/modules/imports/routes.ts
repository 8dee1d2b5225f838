// The imports module's REST door.
import { createRouter } from "../../lib/openapi";

export const importRoutes = createRouter();
