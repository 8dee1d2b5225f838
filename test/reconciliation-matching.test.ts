// The pure rules of card reconciliation: how a bank's CSV is read (amounts, days, lines, delimiters) and
// how a charge is matched to a purchase (names, dates, scores, one order per charge).
import { describe, expect, it } from "vitest";
import type { StatementMapping } from "../src/db/schema/billing";
import { Problem } from "../src/lib/problem";
import { decodeStatement, parseAmount, parseDay, readStatement } from "../src/modules/reconciliation/csv";
import {
  type Charge,
  daysBetween,
  decide,
  dice,
  merchantWords,
  nameSimilarity,
  type PurchaseCandidate,
  placedWindow,
  reconcile,
  type Scored,
  scoreCandidate,
} from "../src/modules/reconciliation/matching";

describe("merchant names", () => {
  it("drops processor prefixes, marketplace tags, digits, legal forms, places and diacritics", () => {
    expect(merchantWords("AMZN Mktp DE*2K4XY7")).toEqual(["amazon"]);
    expect(merchantWords("PAYPAL *Zalando SE Berlin")).toEqual(["zalando"]);
    expect(merchantWords("SQ *Café Nörd")).toEqual(["cafe", "nord"]);
    expect(merchantWords("Müller GmbH & Co. KG")).toEqual(["muller"]);
    expect(merchantWords(null)).toEqual([]);
  });

  it("finds the same merchant written otherwise, and not a different one", () => {
    expect(nameSimilarity("AMZN Mktp DE*2K4XY7", "Amazon")).toBe(1);
    expect(nameSimilarity("MEDIAMARKT 1234 HAMBURG", "Media Markt")).toBe(1);
    expect(nameSimilarity("IKEA DEUTSCHLAND", "IKEA")).toBe(1);
    expect(nameSimilarity("THOMANN TREPPENDORF", "Musikhaus Thomann")).toBe(0.5);
    expect(nameSimilarity("CAFE NORD", "Amazon")).toBeLessThan(0.3);
    expect(nameSimilarity("CAFE NORD", null)).toBe(0);
  });

  it("computes the Dice coefficient of letter pairs", () => {
    expect(dice("night", "nacht")).toBe(0.25);
    expect(dice("amazon", "amazon")).toBe(1);
    expect(dice("a", "b")).toBe(0);
  });
});

const charge = (over: Partial<Charge> = {}): Charge => ({
  line: 2,
  posted_on: "2025-03-14",
  description: "AMZN Mktp DE*2K4",
  amount_minor: 4599,
  currency: "EUR",
  ...over,
});
const order = (over: Partial<PurchaseCandidate> = {}): PurchaseCandidate => ({
  id: "o1",
  merchant: "Amazon",
  placed_at: "2025-03-14T10:00:00.000Z",
  total_minor: 4599,
  currency: "EUR",
  ...over,
});
const scored = (order_id: string, score: number, exact = false): Scored => ({
  order_id,
  score,
  days: exact ? 0 : 1,
  name: 1,
  exact,
});

describe("the date window and the score", () => {
  it("takes orders placed from 7 days before the charge to 2 days after, by UTC day", () => {
    expect(placedWindow("2025-03-14")).toEqual({
      from: "2025-03-07T00:00:00.000Z",
      to: "2025-03-17T00:00:00.000Z",
    });
    expect(daysBetween("2025-03-11T23:30:00.000Z", "2025-03-14")).toBe(3);
    expect(scoreCandidate(charge(), order({ placed_at: "2025-03-06T12:00:00.000Z" }))).toBeNull();
    expect(scoreCandidate(charge(), order({ placed_at: "2025-03-16T12:00:00.000Z" }))?.days).toBe(-2);
    expect(scoreCandidate(charge(), order({ placed_at: "2025-03-17T00:00:00.000Z" }))).toBeNull();
  });

  it("needs the same currency and exactly the same amount", () => {
    expect(scoreCandidate(charge(), order({ total_minor: 4598 }))).toBeNull();
    expect(scoreCandidate(charge(), order({ currency: "USD" }))).toBeNull();
  });

  it("scores 60 x name + 40 x date: 100 on the day, 88 three days late, 80 two days early", () => {
    expect(scoreCandidate(charge(), order())).toMatchObject({ score: 100, exact: true });
    expect(scoreCandidate(charge(), order({ placed_at: "2025-03-11T10:00:00.000Z" }))).toMatchObject({
      score: 88,
      exact: false,
    });
    expect(scoreCandidate(charge(), order({ placed_at: "2025-03-16T10:00:00.000Z" }))?.score).toBe(80);
    expect(scoreCandidate(charge(), order({ merchant: "Cafe Nord" }))).toMatchObject({
      score: 40,
      exact: false,
    });
  });
});

describe("deciding one charge", () => {
  it("matches the one exact candidate", () => {
    expect(decide([scored("a", 100, true), scored("b", 96)])).toMatchObject({
      status: "matched",
      order_id: "a",
      exact: true,
    });
  });

  it("is ambiguous between two exact candidates, listing both", () => {
    const decision = decide([scored("a", 100, true), scored("b", 100, true)]);
    expect(decision).toMatchObject({ status: "ambiguous" });
    expect(decision.candidates.map((c) => c.order_id)).toEqual(["a", "b"]);
  });

  it("matches the best when it scores 70 or more and leads by 15 or more", () => {
    expect(decide([scored("a", 88), scored("b", 40)])).toMatchObject({ status: "matched", order_id: "a" });
    expect(decide([scored("a", 70)])).toMatchObject({ status: "matched", exact: false });
    expect(decide([scored("a", 85), scored("b", 71)])).toMatchObject({ status: "ambiguous" });
    expect(decide([scored("a", 69)])).toMatchObject({ status: "ambiguous" });
    expect(decide([])).toEqual({ status: "unmatched", candidates: [] });
  });

  it("lists at most five candidates", () => {
    const many = ["a", "b", "c", "d", "e", "f", "g"].map((id) => scored(id, 50));
    expect(decide(many).candidates).toHaveLength(5);
  });
});

describe("a statement's charges together", () => {
  it("gives a contested order to the exact charge, and frees the other charge to its next candidate", () => {
    const o1 = order({ id: "o1", placed_at: "2025-03-01T09:00:00.000Z" });
    const o2 = order({ id: "o2", placed_at: "2025-03-02T09:00:00.000Z" });
    const late = charge({ line: 2, posted_on: "2025-03-03" }); // o1: 92, o2: 96: too close to call alone
    const sameDay = charge({ line: 3, posted_on: "2025-03-01" }); // o1 exact
    const decisions = reconcile(
      [late, sameDay],
      new Map([
        [2, [o1, o2]],
        [3, [o1, o2]],
      ]),
    );
    expect(decisions.get(3)).toMatchObject({ status: "matched", order_id: "o1", exact: true });
    expect(decisions.get(2)).toMatchObject({ status: "matched", order_id: "o2" });
  });

  it("leaves the charge that loses its only candidate unmatched", () => {
    const o1 = order();
    const decisions = reconcile(
      [charge({ line: 2, posted_on: "2025-03-17" }), charge({ line: 3 })],
      new Map([
        [2, [o1]],
        [3, [o1]],
      ]),
    );
    expect(decisions.get(3)).toMatchObject({ status: "matched", order_id: "o1" });
    expect(decisions.get(2)).toEqual({ status: "unmatched", candidates: [] });
  });

  it("never matches a credit back to the card", () => {
    const decisions = reconcile(
      [charge({ amount_minor: -4599 })],
      new Map([[2, [order({ total_minor: -4599 })]]]),
    );
    expect(decisions.get(2)).toEqual({ status: "unmatched", candidates: [] });
  });
});

describe("amounts as banks write them", () => {
  it.each([
    ["1.234,56", ",", 2, 123456],
    ["-1.234,56", ",", 2, -123456],
    ["1,234.56", ".", 2, 123456],
    ["1234.5", ".", 2, 123450],
    ["(12.50)", ".", 2, -1250],
    ["12.50-", ".", 2, -1250],
    ["\u22123,80", ",", 2, -380],
    ["€ 1 234,50", ",", 2, 123450],
    ["EUR -5,00", ",", 2, -500],
    ["+7", ".", 2, 700],
    ["1.000", ",", 0, 1000],
    ["-0,00", ",", 2, 0],
  ])("reads %s (decimal %s) exactly", (text, decimal, digits, minor) => {
    expect(parseAmount(text, decimal as "." | ",", digits)).toBe(minor);
  });

  it.each([
    ["12.34", ","],
    ["1,2,3", ","],
    ["12,3456", ","],
    ["", "."],
    ["abc", "."],
  ])("refuses %s (decimal %s), saying why", (text, decimal) => {
    expect(parseAmount(text, decimal as "." | ",", 2)).toEqual({ error: expect.any(String) });
  });
});

describe("days as banks write them", () => {
  it("reads each date format into YYYY-MM-DD and refuses days that do not exist", () => {
    expect(parseDay("2025-03-14", "iso")).toBe("2025-03-14");
    expect(parseDay("2025-03-14T22:10:00", "iso")).toBe("2025-03-14");
    expect(parseDay("14.03.2025", "dmy")).toBe("2025-03-14");
    expect(parseDay("14/03/25", "dmy")).toBe("2025-03-14");
    expect(parseDay("03/14/2025", "mdy")).toBe("2025-03-14");
    expect(parseDay("31.06.2025", "dmy")).toEqual({ error: expect.stringContaining("23.11.2026") });
    expect(parseDay("2025-02-29", "iso")).toEqual({ error: expect.any(String) });
    expect(parseDay("14.03.2025", "iso")).toEqual({ error: expect.any(String) });
  });
});

const TAB_MAPPING: StatementMapping = {
  date: "Date",
  amount: "Amount",
  description: "Merchant",
  date_format: "iso",
  decimal: ".",
  charges: "positive",
  default_currency: "EUR",
};

describe("reading a statement file", () => {
  it("finds the header under account details, splits on tabs, and counts the lines a quoted break adds", () => {
    const text = [
      "Card\t4111 **** 1111",
      "",
      "DATE\tMerchant\tAmount",
      '2025-03-01\t"Two',
      'lines"\t10.00',
      "2025-03-02\tOne line\t-2.50",
    ].join("\n");
    expect(readStatement(text, TAB_MAPPING)).toEqual([
      {
        line: 4,
        posted_on: "2025-03-01",
        description: "Two lines",
        reference: null,
        amount_minor: 1000,
        currency: "EUR",
      },
      {
        line: 6,
        posted_on: "2025-03-02",
        description: "One line",
        reference: null,
        amount_minor: -250,
        currency: "EUR",
      },
    ]);
  });

  it("decodes UTF-8 without its BOM, and Windows-1252 when the file is not UTF-8", () => {
    const bom = new TextEncoder().encode("\uFEFFDate,Merchant\n").buffer as ArrayBuffer;
    expect(decodeStatement(bom)).toBe("Date,Merchant\n");
    const latin = new Uint8Array([0x43, 0x61, 0x66, 0xe9, 0x20, 0x80]).buffer;
    expect(decodeStatement(latin)).toBe("Café €");
  });

  it("names the missing column and the headers found", () => {
    let problem: unknown;
    try {
      readStatement("Date;Payee;Amount\n2025-03-01;X;1.00\n", TAB_MAPPING);
    } catch (error) {
      problem = error;
    }
    expect(problem).toBeInstanceOf(Problem);
    expect((problem as Problem).status).toBe(400);
    expect((problem as Problem).detail).toContain('"Merchant" (the mapping\'s description)');
    expect((problem as Problem).extensions.headers_found).toEqual(["Date", "Payee", "Amount"]);
  });
});
