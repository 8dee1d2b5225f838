// Which purchase order a card charge paid for: pure rules (no D1), so they can be read, tested and tuned alone.
//
// A candidate is a purchase order (not cancelled, not already matched by another charge) with the charge's
// currency and exactly its amount, placed so that the charge was posted from 2 days before to 7 days after
// the order's UTC day: card holds post late (up to a week when a merchant charges at dispatch) and rarely a
// day or two early (time zones, pre-authorisations). Each candidate scores 0..100:
//
//   score = 60 x name + 40 x date
//   name  = similarity of the charge's description and the order's merchant, 0..1 (see nameSimilarity)
//   date  = 1 - 0.1 per day the charge posted after the order, 1 - 0.25 per day before (0 days = 1,
//           3 days after = 0.7, 7 after = 0.3, 1 before = 0.75, 2 before = 0.5)
//
// Then, per charge:
//   - exact: posted the order's day with a name similarity of at least 0.8; one exact candidate that no
//     other outscores is the match ("exact");
//   - else the best candidate is the match ("auto") when it scores at least 70 and leads the runner-up by at
//     least 15;
//   - else any candidates make the charge "ambiguous": a person chooses among them (best first, up to 5);
//   - no candidate: "unmatched".
// Inside one statement an order is taken once: clear matches are settled best first (exact before scored,
// then score, then line), the orders they take leave the other rows' candidates, and those rows are decided
// again until nothing changes. Two identical charges for two identical orders stay ambiguous: nothing says
// which paid which.
//
// Credits (a negative amount: a refund back to the card) and zero amounts are not charges: they are never
// matched automatically (an order is paid by one charge, so a refund cannot hold the order) and stay
// "unmatched"; the report lists them apart.

export const WINDOW_DAYS_BEFORE = 2;
export const WINDOW_DAYS_AFTER = 7;
export const NAME_WEIGHT = 60;
export const DATE_WEIGHT = 40;
export const MATCH_SCORE = 70;
export const MATCH_MARGIN = 15;
export const EXACT_NAME = 0.8;
export const MAX_CANDIDATES = 5;

const DAY_MS = 86_400_000;

/** A statement row as matching sees it. */
export interface Charge {
  line: number;
  posted_on: string;
  description: string;
  amount_minor: number;
  currency: string;
}

/** A purchase order that could have been paid by a charge. */
export interface PurchaseCandidate {
  id: string;
  merchant: string | null;
  placed_at: string;
  total_minor: number;
  currency: string;
}

export interface Scored {
  order_id: string;
  score: number;
  /** Days from the order's placing (UTC day) to the charge's posting; negative when posted before. */
  days: number;
  name: number;
  exact: boolean;
}

export type Decision =
  | { status: "matched"; order_id: string; score: number; exact: boolean; candidates: Scored[] }
  | { status: "ambiguous"; candidates: Scored[] }
  | { status: "unmatched"; candidates: Scored[] };

export const isCharge = (charge: { amount_minor: number }) => charge.amount_minor > 0;

const dayOf = (isoDate: string) => Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Whole days from the order's UTC day to the charge's posting day. */
export const daysBetween = (placedAt: string, postedOn: string) =>
  Math.round((dayOf(postedOn) - dayOf(placedAt)) / DAY_MS);

/** The placing times, as stored (UTC, RFC 3339), of orders a charge posted on `postedOn` may have paid. */
export function placedWindow(postedOn: string): { from: string; to: string } {
  const day = dayOf(postedOn);
  return {
    from: new Date(day - WINDOW_DAYS_AFTER * DAY_MS).toISOString(),
    to: new Date(day + (WINDOW_DAYS_BEFORE + 1) * DAY_MS).toISOString(),
  };
}

/** The days of the orders a statement covering `first`..`last` may have paid (for "orders without a charge"). */
export const placedRange = (first: string, last: string) => ({
  from: isoDay(dayOf(first) - WINDOW_DAYS_AFTER * DAY_MS),
  to: isoDay(dayOf(last) + WINDOW_DAYS_BEFORE * DAY_MS),
});

export function dateFit(days: number): number {
  if (days >= 0 && days <= WINDOW_DAYS_AFTER) return 1 - 0.1 * days;
  if (days < 0 && days >= -WINDOW_DAYS_BEFORE) return 1 + 0.25 * days;
  return 0;
}

// Card processors and marketplaces put themselves before the merchant: "PAYPAL *EBAY", "SQ *CAFE NORD".
const PROCESSOR =
  /^(?:paypal|pp|sq|sqr|sp|tst|py|iz|izettle|zettle|sumup|ctlp|gpay|google|apple ?pay)\s*\*\s*/;
// What descriptors abbreviate: the merchant's own short name.
const ALIASES: Record<string, string> = { amzn: "amazon", amazn: "amazon", mcdonalds: "mcdonald" };
// Words that say nothing about who was paid: marketplace tags, web addresses, legal forms, payment words.
const NOISE = new Set(
  (
    "mktp mktplace marketplace www com net org http https " +
    "gmbh mbh ag kg ohg ug co ltd limited inc llc plc sarl sa sas srl spa bv nv ab as oy " +
    "eu europe services service payment payments purchase pos card kartenzahlung lastschrift " +
    "online order bestellung"
  ).split(" "),
);
// Where the descriptor says the merchant is: countries (ISO codes and names) and the larger cities.
const PLACES = new Set(
  (
    "de at ch fr it es nl be lu uk gb us ie pl se dk no fi cz pt gr hu ro " +
    "deutschland germany osterreich austria schweiz switzerland france italia italy espana spain " +
    "nederland netherlands belgie belgium luxembourg ireland polska poland usa " +
    "berlin hamburg munchen muenchen munich koln cologne frankfurt stuttgart dusseldorf leipzig dresden " +
    "wien vienna zurich paris london amsterdam dublin madrid barcelona milano rome seattle"
  ).split(" "),
);

/**
 * A merchant name or card descriptor as comparable words: lower case, no diacritics, no processor prefix,
 * no digits (store numbers, references), no punctuation or single letters, no legal forms, places or marketplace tags.
 * "AMZN Mktp DE*2K4" -> ["amazon"]; "PAYPAL *Zalando SE Berlin" -> ["zalando"].
 */
export function merchantWords(text: string | null): string[] {
  if (!text) return [];
  const plain = text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .trim()
    .replace(PROCESSOR, "");
  return plain
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 1 && !/\d/.test(word))
    .map((word) => ALIASES[word] ?? word)
    .filter((word) => !NOISE.has(word) && !PLACES.has(word));
}

function bigrams(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < text.length - 1; i++) {
    const pair = text.slice(i, i + 2);
    counts.set(pair, (counts.get(pair) ?? 0) + 1);
  }
  return counts;
}

/** Sørensen–Dice coefficient of two strings' character bigrams, 0..1. */
export function dice(a: string, b: string): number {
  if (a === b) return a.length > 0 ? 1 : 0;
  if (a.length < 2 || b.length < 2) return 0;
  const left = bigrams(a);
  let shared = 0;
  for (const [pair, count] of bigrams(b)) shared += Math.min(count, left.get(pair) ?? 0);
  return (2 * shared) / (a.length - 1 + (b.length - 1));
}

const sameWord = (a: string, b: string) =>
  a === b || (Math.min(a.length, b.length) >= 4 && (a.startsWith(b) || b.startsWith(a))) || dice(a, b) >= 0.8;

/**
 * How alike a charge's description and an order's merchant are, 0..1: the better of (a) the share of the
 * shorter name's words found in the longer (a descriptor adds towns and references; "IKEA" is all of
 * "IKEA Deutschland") and (b) the Dice coefficient of the two names without spaces ("Media Markt" is
 * "MEDIAMARKT"). 0 when either has no words left.
 */
export function nameSimilarity(a: string | null, b: string | null): number {
  const left = merchantWords(a);
  const right = merchantWords(b);
  if (left.length === 0 || right.length === 0) return 0;
  const [short, long] = left.length <= right.length ? [left, right] : [right, left];
  const found = short.filter((word) => long.some((other) => sameWord(word, other))).length;
  return Math.max(found / short.length, dice(left.join(""), right.join("")));
}

/** The candidate's score for the charge (see the top of this file); null when outside the window. */
export function scoreCandidate(charge: Charge, order: PurchaseCandidate): Scored | null {
  if (order.currency !== charge.currency || order.total_minor !== charge.amount_minor) return null;
  const days = daysBetween(order.placed_at, charge.posted_on);
  if (days > WINDOW_DAYS_AFTER || days < -WINDOW_DAYS_BEFORE) return null;
  const name = nameSimilarity(charge.description, order.merchant);
  return {
    order_id: order.id,
    score: Math.round(NAME_WEIGHT * name + DATE_WEIGHT * dateFit(days)),
    days,
    name,
    exact: days === 0 && name >= EXACT_NAME,
  };
}

/** Best first: score, then the nearer date, then the order id, so the same input always ranks the same. */
export const byFit = (a: Scored, b: Scored) =>
  b.score - a.score ||
  Math.abs(a.days) - Math.abs(b.days) ||
  (a.order_id < b.order_id ? -1 : a.order_id > b.order_id ? 1 : 0);

export function rank(charge: Charge, orders: PurchaseCandidate[]): Scored[] {
  if (!isCharge(charge)) return [];
  return orders
    .map((order) => scoreCandidate(charge, order))
    .filter((s): s is Scored => s !== null)
    .sort(byFit);
}

/** The decision for one charge among its ranked candidates (best first). */
export function decide(ranked: Scored[]): Decision {
  const [best, second] = ranked;
  const shown = ranked.slice(0, MAX_CANDIDATES);
  if (best === undefined) return { status: "unmatched", candidates: [] };
  if (best.exact && !ranked.slice(1).some((c) => c.exact)) {
    return { status: "matched", order_id: best.order_id, score: best.score, exact: true, candidates: shown };
  }
  if (best.score >= MATCH_SCORE && (second === undefined || best.score - second.score >= MATCH_MARGIN)) {
    return { status: "matched", order_id: best.order_id, score: best.score, exact: false, candidates: shown };
  }
  return { status: "ambiguous", candidates: shown };
}

/**
 * Decisions for every charge of one statement, each order taken at most once (see the top of this file).
 * `candidates` gives each line's possible orders; lines not in it have none.
 */
export function reconcile(
  charges: Charge[],
  candidates: ReadonlyMap<number, PurchaseCandidate[]>,
): Map<number, Decision> {
  const ranked = new Map(charges.map((c) => [c.line, rank(c, candidates.get(c.line) ?? [])]));
  const decided = new Map<number, Decision>();
  const taken = new Set<string>();
  const open = (line: number) => (ranked.get(line) ?? []).filter((c) => !taken.has(c.order_id));

  let pending = charges.map((c) => c.line);
  while (pending.length > 0) {
    const clear: { line: number; decision: Extract<Decision, { status: "matched" }> }[] = [];
    for (const line of pending) {
      const decision = decide(open(line));
      if (decision.status === "matched") clear.push({ line, decision });
    }
    clear.sort(
      (a, b) =>
        Number(b.decision.exact) - Number(a.decision.exact) ||
        b.decision.score - a.decision.score ||
        a.line - b.line,
    );
    const newlyTaken = new Set<string>();
    for (const { line, decision } of clear) {
      if (taken.has(decision.order_id)) continue;
      decided.set(line, decision);
      taken.add(decision.order_id);
      newlyTaken.add(decision.order_id);
    }
    // Only rows that lost a candidate to this round can decide differently next round.
    pending = pending.filter(
      (line) => !decided.has(line) && (ranked.get(line) ?? []).some((c) => newlyTaken.has(c.order_id)),
    );
  }
  for (const charge of charges) {
    if (!decided.has(charge.line)) decided.set(charge.line, decide(open(charge.line)));
  }
  return decided;
}
