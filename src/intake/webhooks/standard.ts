// Standard Webhooks deliveries from systems that speak our API: `{ type, timestamp, data }` whose data is an
// OrderIntake already, as the API documents it.
import type { OrderIntakeInput } from "../../modules/orders/schemas";
import type { Mapped, WebhookTarget } from "./map";
import { isRecord } from "./payload";

/** Event types that carry an order; the intake's own `status` says whether it was cancelled, shipped... */
const ORDER_TYPES = new Set(["order.created", "order.updated"]);

export function mapStandard(payload: unknown, target: WebhookTarget): Mapped {
  if (!isRecord(payload)) return { ignore: "the payload is not a JSON object" };
  const type = payload.type;
  if (typeof type !== "string") return { ignore: "the payload has no event type" };
  if (!ORDER_TYPES.has(type)) return { ignore: `event type ${type} is not an order event` };
  // data that is not an object still makes an intake: the schema then says what is missing.
  const data = isRecord(payload.data) ? payload.data : {};
  return { intake: { ...data, source: target.source, kind: target.orderKind } as OrderIntakeInput };
}
