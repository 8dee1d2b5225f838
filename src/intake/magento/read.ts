// Reading a kept Magento pull page into orders (stub: filled in with the connectors module).
import type { IngestRow } from "../../modules/ingest/store";
import type { OrderIntakeInput } from "../../modules/orders/schemas";

export async function fromPull(
  _record: IngestRow,
  _bytes: ArrayBuffer,
): Promise<{ intakes: OrderIntakeInput[]; note: string | null }> {
  return { intakes: [], note: "Nothing reads pull records yet." };
}
