// What both readers (markup, templates) build an OrderIntakeInput with. The order's substance (number, lines,
// currency) goes on as read, so the caller's schema check refuses a wrong one loudly; a detail the schema would
// refuse (a malformed e-mail address, a tracking link that is no URL) is left out with a note instead, so one
// bad detail does not cost the order.
import { AddressSchema } from "../../lib/address";
import { formatMinor } from "../../lib/money";
import { BuyerSchema, type OrderIntakeInput, OrderIntakeSchema } from "../../modules/orders/schemas";

export type Intake = OrderIntakeInput;
export type IntakeLine = NonNullable<Intake["lines"]>[number];
export type AddressInput = NonNullable<Intake["shipping_address"]>;
export type Tracking = NonNullable<Intake["tracking"]>;

/** `value` without its undefined fields, so an intake carries only what the mail said. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** A SKU made from a product's name when the mail gives none: "Zelt „Hütte 3“" → "zelt-huette-3". */
export function skuFromName(name: string): string | undefined {
  const slug = name
    .replace(/ß/g, "ss")
    .replace(/[äöüÄÖÜ]/g, (c) => `${c.normalize("NFD")[0]}e`)
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64)
    .replace(/-+$/, "");
  return slug || undefined;
}

/**
 * An ISO 8601 date or date-time as the intake's placed_at ("2026-03-02" → "2026-03-02T00:00:00Z"; a time
 * without a zone is read as UTC: hours off at most). Null when it is not ISO 8601.
 */
export function readDateTime(value: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(
    value.trim(),
  );
  if (!m) return null;
  const [, date, time, seconds, zone] = m;
  if (!time) return `${date}T00:00:00Z`;
  const offset =
    !zone || zone.toUpperCase() === "Z"
      ? "Z"
      : zone.includes(":")
        ? zone
        : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return `${date}T${time}${seconds ?? ":00"}${offset}`;
}

const issueOf = (error: { issues: { path: PropertyKey[]; message: string }[] }) =>
  error.issues
    .map((i) => (i.path.length > 0 ? `${i.path.map(String).join(".")}: ${i.message}` : i.message))
    .join(", ");

const tracking = OrderIntakeSchema.shape.tracking.unwrap().shape;

/** Leaves out, with a note each, the details the intake schema would refuse; the rest stays as read. */
export function fitDetails(intake: Intake, where: string, notes: string[]): Intake {
  const fitted: Intake = { ...intake };
  const drop = (label: string, value: unknown, why: string) =>
    notes.push(`${where}: ${label} ${JSON.stringify(value)} is left out (${why}).`);
  for (const key of ["merchant", "placed_at"] as const) {
    const value = fitted[key];
    if (value === undefined) continue;
    const checked = OrderIntakeSchema.shape[key].safeParse(value);
    if (!checked.success) {
      drop(key, value, issueOf(checked.error));
      delete fitted[key];
    }
  }
  if (fitted.buyer) {
    const buyer = { ...fitted.buyer };
    for (const key of ["name", "email", "phone"] as const) {
      const checked = BuyerSchema.shape[key].safeParse(buyer[key]);
      if (!checked.success) {
        drop(`the buyer's ${key}`, buyer[key], issueOf(checked.error));
        delete buyer[key];
      }
    }
    fitted.buyer = Object.keys(buyer).length > 0 ? buyer : undefined;
  }
  if (fitted.tracking) {
    const given = { ...fitted.tracking };
    for (const key of ["carrier", "number", "url"] as const) {
      const checked = tracking[key].safeParse(given[key]);
      if (!checked.success) {
        drop(`the tracking ${key}`, given[key], issueOf(checked.error));
        delete given[key];
      }
    }
    fitted.tracking = Object.keys(given).length > 0 ? given : undefined;
  }
  for (const key of ["shipping_address", "billing_address"] as const) {
    const value = fitted[key];
    if (value === undefined) continue;
    const checked = AddressSchema.safeParse(value);
    if (!checked.success) {
      notes.push(`${where}: the ${key.replace("_", " ")} is left out (${issueOf(checked.error)}).`);
      delete fitted[key];
    }
  }
  return compact(fitted);
}

/**
 * Says so when the total a mail states differs from what its lines, shipping and discount add up to (taxes,
 * fees or a line not read); the intake is kept either way: the lines are what the order is.
 */
export function checkTotal(intake: Intake, total: number, where: string, notes: string[]) {
  const { lines, currency } = intake;
  if (!lines || !currency) return;
  let sum = (intake.shipping ?? 0) - (intake.discount ?? 0);
  for (const line of lines) {
    if (!Number.isSafeInteger(line.quantity) || !Number.isSafeInteger(line.unit_price)) return;
    sum += line.quantity * line.unit_price;
  }
  if (sum !== total) {
    notes.push(
      `${where}: the mail's total ${formatMinor(total, currency)} ${currency} differs from its lines, shipping and discount (${formatMinor(sum, currency)} ${currency}).`,
    );
  }
}
