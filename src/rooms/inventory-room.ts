import { Room } from "./room";

/** One per stock location or count session: several people counting at once see each other's changes. */
export class InventoryRoom extends Room {}
