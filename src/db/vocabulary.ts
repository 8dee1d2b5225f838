// The closed lists of values rows store and the API speaks, for the lists the console shows too: plain data
// with no imports, so the browser's code offers the very values the API validates against (src/console/
// client imports them; the schema and the documents re-export them where the server has always found them).

export const ORDER_STATUSES = [
  "placed",
  "under_risk",
  "awaiting_customer",
  "picking",
  "shipped",
  "delivered",
  "cancelled",
] as const;

export const INGEST_DOORS = ["webhook", "email", "scrape", "pull", "import", "device"] as const;
/** accepted: kept and read; refused: not taken (see reason), nothing else done; duplicate: seen before. */
export const INGEST_VERDICTS = ["accepted", "refused", "duplicate"] as const;
/**
 * What reading an accepted payload did; pending until it has been read. recorded: taken into records of its
 * own rather than orders (a device's reads).
 */
export const INGEST_OUTCOMES = [
  "pending",
  "created",
  "updated",
  "unchanged",
  "failed",
  "no_order",
  "recorded",
] as const;

export const LABEL_JOB_STATUSES = ["queued", "rendering", "done", "failed"] as const;
export const LABEL_TEMPLATES = ["product", "shelf", "shipping", "code"] as const;
export const SYMBOLOGIES = ["code128", "ean13", "upca", "qrcode", "datamatrix"] as const;

export const IMPORT_STATUSES = ["queued", "running", "done", "failed", "cancelled"] as const;

/** How a card statement's row stands against the orders. */
export const MATCH_STATUSES = ["matched", "ambiguous", "unmatched", "ignored"] as const;
