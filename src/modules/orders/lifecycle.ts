// The order lifecycle as data: which moves are allowed, and how far along each state is.
import type { ORDER_STATUSES } from "../../db/schema/orders";

export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  placed: ["under_risk", "awaiting_customer", "picking", "cancelled"],
  under_risk: ["awaiting_customer", "picking", "cancelled"],
  awaiting_customer: ["under_risk", "picking", "cancelled"],
  // Back to at risk when a picker finds a line short (pick & pack); a person decides from there.
  picking: ["under_risk", "shipped", "cancelled"],
  shipped: ["delivered"],
  delivered: [],
  cancelled: [],
};

export const canMove = (from: OrderStatus, to: OrderStatus) => TRANSITIONS[from].includes(to);

/** How far along a state is; intake never moves an order backwards along this. */
export const PROGRESS: Record<OrderStatus, number> = {
  placed: 0,
  under_risk: 1,
  awaiting_customer: 1,
  picking: 2,
  shipped: 3,
  delivered: 4,
  cancelled: 5,
};

/** The shortest chain of allowed moves from one state to another (excluding `from`), or null. */
export function pathTo(from: OrderStatus, to: OrderStatus): OrderStatus[] | null {
  if (from === to) return [];
  const previous = new Map<OrderStatus, OrderStatus>();
  const queue: OrderStatus[] = [from];
  while (queue.length > 0) {
    const at = queue.shift() as OrderStatus;
    for (const next of TRANSITIONS[at]) {
      if (next === from || previous.has(next)) continue;
      previous.set(next, at);
      if (next === to) {
        const path: OrderStatus[] = [to];
        for (let step = at; step !== from; step = previous.get(step) as OrderStatus) path.unshift(step);
        return path;
      }
      queue.push(next);
    }
  }
  return null;
}

/** The field of the order that records when each state was reached. */
export const REACHED_AT = {
  placed: "placedAt",
  under_risk: "underRiskAt",
  awaiting_customer: "awaitingCustomerAt",
  picking: "pickingAt",
  shipped: "shippedAt",
  delivered: "deliveredAt",
  cancelled: "cancelledAt",
} as const satisfies Record<OrderStatus, string>;
