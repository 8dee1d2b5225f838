// The connectors module's REST door.
import { createRouter } from "../../lib/openapi";

export const connectorRoutes = createRouter();