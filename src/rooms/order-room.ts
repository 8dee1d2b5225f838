import { Room } from "./room";

/** One per order (named by order id): chat between the customer and staff, and live status. */
export class OrderRoom extends Room {}
