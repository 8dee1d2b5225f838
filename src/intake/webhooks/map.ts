// The `webhook` door's reading: each kind's verified payload becomes our OrderIntake, or is set aside with why.
import type { WebhookKind } from "../../db/schema/ingest";
import type { OrderIntakeInput } from "../../modules/orders/schemas";
import { mapShopify } from "./shopify";
import { mapStandard } from "./standard";
import { mapWooCommerce } from "./woocommerce";

/**
 * An intake for the schema to check (a field it cannot read is left as it came, for the schema to refuse),
 * or `ignore`: the payload is not about an order (a ping, a product update), with why.
 */
export type Mapped = { intake: OrderIntakeInput } | { ignore: string };

/** The source a delivery arrived for, and what its orders are to us. */
export interface WebhookTarget {
  source: string;
  orderKind: "sale" | "purchase";
}

/**
 * Maps a verified delivery to an intake. The intake's `source` and `kind` always come from `target`, whatever
 * the payload says: a source may write only its own orders.
 *
 * @example
 * const mapped = mapWebhook("shopify", "orders/create", JSON.parse(text), { source: "shop", orderKind: "sale" });
 * if ("intake" in mapped) OrderIntakeSchema.safeParse(mapped.intake);
 */
export function mapWebhook(
  kind: WebhookKind,
  topic: string | null,
  payload: unknown,
  target: WebhookTarget,
): Mapped {
  try {
    switch (kind) {
      case "shopify":
        return mapShopify(topic, payload, target);
      case "woocommerce":
        return mapWooCommerce(topic, payload, target);
      case "standard":
        return mapStandard(payload, target);
      default:
        return { ignore: `unknown webhook kind ${JSON.stringify(kind)}` };
    }
  } catch (error) {
    // The mappers read every field defensively; this is a last guard so a bug here is logged, not thrown.
    return {
      ignore: `could not read the payload: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
