import { Room } from "./room";

/** One per claim (named by claim id): chat between the customer and staff, presence, and live status. */
export class ClaimRoom extends Room {}
