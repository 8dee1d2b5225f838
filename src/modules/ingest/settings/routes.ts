// The doors' settings, for staff with the intake permission (read to see, write to change): webhook sources
// and their secrets, mailboxes, mail templates. The doors themselves and their records are in ../routes.ts.
import { createRouter } from "../../../lib/openapi";
import { mailboxRoutes } from "./mailbox-routes";
import { sourceRoutes } from "./source-routes";
import { templateRoutes } from "./template-routes";

export const ingestSettingsRoutes = createRouter()
  .route("/", sourceRoutes)
  .route("/", mailboxRoutes)
  .route("/", templateRoutes);
