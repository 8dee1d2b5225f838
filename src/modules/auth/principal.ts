import type { Role } from "../../db/schema/auth";

/** Who is asking, as established by the auth middleware from a JWT, an API key or a device token. */
export interface Principal {
  kind: "user" | "api_key" | "device";
  id: string;
  role: Role | "integration" | "device";
  /** For customer users: the only customer whose records they may reach. */
  customerId: string | null;
  name: string;
}
