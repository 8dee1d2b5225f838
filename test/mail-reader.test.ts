// Reading orders out of mail: the corpus (real messages built with a MIME library, test/servers/mail.ts)
// parsed as the email door parses it, then read with readOrderMail.
import { env } from "cloudflare:workers";
import PostalMime, { type Email } from "postal-mime";
import { describe, expect, it } from "vitest";
import { readCurrency, readMinor, readQuantity } from "../src/intake/mail/amounts";
import { type MailboxSettings, type MailTemplate, readOrderMail } from "../src/intake/mail/read";
import { OrderIntakeSchema } from "../src/modules/orders/schemas";
import { type CorpusName, MAIL_CORPUS, OUTLET_TEMPLATE } from "./fixtures/mail/corpus";

const mailbox: MailboxSettings = {
  address: "purchases@roms.test",
  orderKind: "purchase",
  source: "mail:alpenglueck",
  defaultCurrency: "EUR",
};

const template = (fields: Partial<MailTemplate> = {}): MailTemplate => ({
  id: "tpl_outlet",
  ...OUTLET_TEMPLATE,
  fields: { ...OUTLET_TEMPLATE.fields },
  enabled: true,
  createdAt: "2026-03-01T00:00:00.000Z",
  updatedAt: "2026-03-01T00:00:00.000Z",
  ...fields,
});

async function parsed(name: CorpusName): Promise<Email> {
  const response = await fetch(`${env.TEST_SERVER_URL}/mail/${name}.eml`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("message/rfc822");
  return PostalMime.parse(await response.arrayBuffer());
}

/** Reads a message; every intake it finds must be one the caller's schema check accepts. */
async function read(email: Email, templates: MailTemplate[] = [], settings = mailbox) {
  const reading = await readOrderMail(email, settings, templates);
  for (const intake of reading.intakes) {
    const checked = OrderIntakeSchema.safeParse(intake);
    expect(checked.success, JSON.stringify(checked.error?.issues)).toBe(true);
  }
  return reading;
}

/** A parsed message written in the test, for cases the corpus need not carry. */
const message = (parts: { from?: string; subject?: string; text?: string; html?: string }): Email => ({
  headers: [],
  headerLines: [],
  attachments: [],
  from: { name: "Alpenglück Werksverkauf", address: parts.from ?? "werksverkauf@alpenglueck.test" },
  subject: parts.subject ?? "Bestellbestätigung WV-2026-0900",
  text: parts.text,
  html: parts.html,
});

const base = { source: "mail:alpenglueck", kind: "purchase" } as const;
const WAREHOUSE = {
  name: "ROMS Lager Nord",
  line1: "Hafenstraße 12",
  city: "Hamburg",
  postal_code: "20457",
  country: "DE",
};
const PORTLAND = {
  name: "ROMS Inc. Receiving",
  line1: "500 Harbor Blvd",
  line2: "Suite 210",
  city: "Portland",
  postal_code: "97209",
  region: "OR",
  country: "US",
};
const JUERGEN = { name: "Jürgen Weiß", email: "juergen.weiss@roms.test", phone: "+49 40 1234567" };
const DHL = {
  carrier: "DHL",
  number: "00340434161094042557",
  url: "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=00340434161094042557",
};
const HERMES = {
  carrier: "Hermes",
  number: "H1002345678901234567",
  url: "https://www.myhermes.de/empfangen/sendungsverfolgung/sendungsinformation#H1002345678901234567",
};

const AG_10001 = {
  ...base,
  external_ref: "AG-10001",
  merchant: "Alpenglück Outdoor GmbH",
  currency: "EUR",
  lines: [
    { sku: "AG-WS-200", name: "Wanderstock „Alpin“ Carbon", quantity: 2, unit_price: 2000 },
    { sku: "AG-FS-M", name: "Funktionsshirt Größe M", quantity: 1, unit_price: 1500 },
  ],
  shipping: 500,
  placed_at: "2026-03-02T10:15:00+01:00",
  buyer: JUERGEN,
  billing_address: {
    name: "ROMS GmbH – Buchhaltung",
    line1: "Große Elbstraße 145",
    city: "Hamburg",
    postal_code: "22767",
    country: "DE",
  },
  shipping_address: WAREHOUSE,
};

describe("the mail corpus", () => {
  it("lists every message it serves, in the order a mailbox receives them", async () => {
    const response = await fetch(`${env.TEST_SERVER_URL}/mail/index.json`);
    expect(await response.json()).toEqual(MAIL_CORPUS.map((m) => m.name));
    expect((await fetch(`${env.TEST_SERVER_URL}/mail/no-such-message.eml`)).status).toBe(404);
  });

  it("serves the same bytes every time (fixed Date, Message-ID and boundaries)", async () => {
    const [a, b] = await Promise.all(
      [1, 2].map(async () =>
        new TextDecoder().decode(
          await (await fetch(`${env.TEST_SERVER_URL}/mail/order-jsonld.eml`)).arrayBuffer(),
        ),
      ),
    );
    expect(a).toBe(b);
    expect(a).toContain("Date: Mon, 02 Mar 2026 09:20:00 +0000");
    expect(a).toContain("Content-Transfer-Encoding: quoted-printable");
  });
});

describe("schema.org markup", () => {
  it("reads an Order in JSON-LD: lines in minor units, shipping, buyer, both addresses", async () => {
    expect(await read(await parsed("order-jsonld"))).toEqual({ intakes: [AG_10001], note: null });
  });

  it("reads the same order in microdata (base64 HTML, entities, nested items) as the very same intake", async () => {
    const [jsonLd, microdata] = await Promise.all([
      read(await parsed("order-jsonld")),
      read(await parsed("order-microdata")),
    ]);
    expect(microdata).toEqual(jsonLd);
    expect(microdata.intakes).toEqual([AG_10001]);
  });

  it("reads a repeat under a new Message-ID as the same intake (the intake path then changes nothing)", async () => {
    const repeat = await parsed("order-jsonld-repeat-new-id");
    expect(repeat.messageId).toBe("<ag-10001.confirmation.resent@alpenglueck.test>");
    expect((await read(repeat)).intakes).toEqual([AG_10001]);
  });

  it("reads a ParcelDelivery in transit as an update: tracking and status shipped, no lines", async () => {
    expect(await read(await parsed("parcel-shipped"))).toEqual({
      intakes: [
        {
          ...base,
          external_ref: "AG-10001",
          merchant: "Alpenglück Outdoor GmbH",
          status: "shipped",
          tracking: DHL,
          shipping_address: WAREHOUSE,
        },
      ],
      note: null,
    });
  });

  it("reads a delivered ParcelDelivery in microdata as status delivered", async () => {
    expect(await read(await parsed("parcel-delivered"))).toEqual({
      intakes: [
        {
          ...base,
          external_ref: "AG-10001",
          merchant: "Alpenglück Outdoor GmbH",
          status: "delivered",
          tracking: DHL,
        },
      ],
      note: null,
    });
  });

  it("keeps the lines of a cancelled Order, so an order never seen is created and cancelled", async () => {
    expect(await read(await parsed("order-cancelled"))).toEqual({
      intakes: [
        {
          ...base,
          external_ref: "AG-10002",
          merchant: "Alpenglück Outdoor US",
          currency: "USD",
          lines: [
            { sku: "AGUS-HL-300", name: "Headlamp Lumen 300", quantity: 4, unit_price: 1250 },
            { sku: "AGUS-CB-HMS", name: "Carabiner HMS Steel", quantity: 2, unit_price: 750 },
          ],
          status: "cancelled",
          placed_at: "2026-03-05T16:30:00-08:00",
          buyer: { name: "Dana Whitfield", email: "dana.whitfield@roms.test" },
          billing_address: PORTLAND,
          shipping_address: PORTLAND,
        },
      ],
      note: null,
    });
  });

  it("reads an ISO-8859-1 message, and leaves out an address whose country is a name, saying so", async () => {
    const email = await parsed("latin1-order");
    expect(email.text).toContain("Zoë Brühl");
    expect(await read(email)).toEqual({
      intakes: [
        {
          ...base,
          external_ref: "AG-10003",
          merchant: "Alpenglück Outdoor GmbH",
          currency: "EUR",
          lines: [
            { sku: "AG-SD-05", name: "Schlafsack Daunen -5 °C", quantity: 1, unit_price: 15000 },
            { sku: "AG-IM-BS", name: "Isomatte «Bergsee» selbstaufblasend", quantity: 2, unit_price: 4500 },
          ],
          payment_status: "unpaid",
          placed_at: "2026-03-09T00:00:00Z",
          buyer: { name: "Zoë Brühl", email: "zoe.bruehl@roms.test" },
          shipping_address: WAREHOUSE,
        },
      ],
      note: 'Order AG-10003: the billing address is left out: its country "Deutschland" is not a two-letter ISO 3166 code.',
    });
  });

  it("reads a DeliveryEvent that says Delivered, and a later notice without status as shipped", async () => {
    const delivered = await read(await parsed("delivered-before-shipped"));
    const shipped = await read(await parsed("shipped-after-delivered"));
    const update = {
      ...base,
      external_ref: "AG-10003",
      merchant: "Alpenglück Outdoor GmbH",
      tracking: HERMES,
    };
    expect(delivered).toEqual({
      intakes: [{ ...update, status: "delivered", shipping_address: WAREHOUSE }],
      note: null,
    });
    expect(shipped).toEqual({
      intakes: [{ ...update, status: "shipped", shipping_address: WAREHOUSE }],
      note: null,
    });
  });

  it("reads prices written as text ($1,250.00) and ignores the attached PDF", async () => {
    const email = await parsed("order-with-attachment");
    expect(email.attachments.map((a) => [a.filename, a.mimeType])).toEqual([
      ["Invoice-AG-10004.pdf", "application/pdf"],
    ]);
    expect(await read(email)).toEqual({
      intakes: [
        {
          ...base,
          external_ref: "AG-10004",
          merchant: "Alpenglück Outdoor US",
          currency: "USD",
          lines: [
            { sku: "AGUS-T3", name: "Tent Hütte 3 (3-person)", quantity: 1, unit_price: 125000 },
            { sku: "AGUS-T3-FP", name: "Tent footprint Hütte 3", quantity: 2, unit_price: 4500 },
          ],
          shipping: 2000,
          placed_at: "2026-03-12T11:58:00-07:00",
          buyer: { name: "Dana Whitfield", email: "dana.whitfield@roms.test" },
          shipping_address: {
            name: "ROMS Inc. Receiving",
            line1: "500 Harbor Blvd",
            city: "Portland",
            postal_code: "97209",
            region: "OR",
            country: "US",
          },
        },
      ],
      note: null,
    });
  });

  it("reads a message whose closing MIME boundary is corrupted", async () => {
    const { intakes, note } = await read(await parsed("broken-boundary"));
    expect(note).toBeNull();
    expect(intakes).toEqual([
      {
        ...base,
        external_ref: "AG-10005",
        merchant: "Alpenglück Outdoor GmbH",
        currency: "EUR",
        lines: [{ sku: "AG-ZH-18", name: "Zeltheringe Alu 18 cm", quantity: 10, unit_price: 150 }],
        shipping: 500,
        placed_at: "2026-03-15T09:00:00+01:00",
        buyer: JUERGEN,
        shipping_address: WAREHOUSE,
      },
    ]);
  });

  it("reads markup from any sender: the mailbox's sender list is the caller's check", async () => {
    const { intakes } = await read(await parsed("unknown-sender"));
    expect(intakes.map((i) => [i.external_ref, i.merchant, i.lines])).toEqual([
      [
        "SM-777",
        "Schnäppchen-Markt",
        [{ sku: "SM-PB-20", name: "Powerbank 20000 mAh", quantity: 1, unit_price: 999 }],
      ],
    ]);
  });

  it("says why when a message has no body", async () => {
    expect(await read(await parsed("empty-body"), [template()])).toEqual({
      intakes: [],
      note: "The message has no text or HTML body: there is no order to read.",
    });
  });

  it("reads an @graph whose Order names its customer by @id, with a sale mailbox's kind and no merchant", async () => {
    const html = `<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
      {"@id":"#buyer","@type":"Person","name":"Erika Mustermann","email":"mailto:erika@example.de"},
      {"@type":"Order","orderNumber":1042,"seller":{"@type":"Organization","name":"Us"},"customer":{"@id":"#buyer"},
       "priceCurrency":"eur","acceptedOffer":[{"@type":"Offer","itemOffered":{"@type":"Product","name":"Zelt „Hütte 3“","gtin13":"4006381333931"},"price":"1.250,00"},
       {"@type":"Offer","itemOffered":"Heringe Alu","price":"12,5","eligibleQuantity":3}],
       "orderStatus":{"@id":"http://schema.org/OrderDelivered"}}]}</script>`;
    const sale = { ...mailbox, orderKind: "sale" as const, source: "mail:shop" };
    expect(await read(message({ html }), [], sale)).toEqual({
      intakes: [
        {
          source: "mail:shop",
          kind: "sale",
          external_ref: "1042",
          currency: "EUR",
          lines: [
            { sku: "4006381333931", name: "Zelt „Hütte 3“", quantity: 1, unit_price: 125000 },
            { sku: "heringe-alu", name: "Heringe Alu", quantity: 3, unit_price: 1250 },
          ],
          status: "delivered",
          buyer: { name: "Erika Mustermann", email: "erika@example.de" },
        },
      ],
      note: null,
    });
  });

  it("never invents an amount: an unreadable price or quantity is left out, said, and refused by the schema", async () => {
    const html = `<script type="application/ld+json">[{"@type":"Order","orderNumber":"X-1","priceCurrency":"EUR","price":"99.00",
      "acceptedOffer":{"@type":"Offer","itemOffered":{"@type":"Product","name":"Becher","sku":"B-1"},"price":"zwölf","eligibleQuantity":{"value":"1.5"}}}]</script>`;
    const reading = await readOrderMail(message({ html }), mailbox, []);
    expect(reading.intakes).toEqual([
      { ...base, external_ref: "X-1", currency: "EUR", lines: [{ sku: "B-1", name: "Becher" }] },
    ]);
    expect(reading.note).toBe(
      'Order X-1: the quantity "1.5" of line 1 is not a whole number; left out. Order X-1: the price "zwölf" of line 1 cannot be read as EUR; left out.',
    );
    const checked = OrderIntakeSchema.safeParse(reading.intakes[0]);
    expect(checked.error?.issues.map((i) => i.path.join("."))).toEqual([
      "lines.0.quantity",
      "lines.0.unit_price",
    ]);
  });

  it("says a stated total differs from the lines, keeps the order, and leaves out a detail the schema would refuse", async () => {
    const html = `<div itemscope itemtype="http://schema.org/Order"><meta itemprop="orderNumber" content="X-2">
      <meta itemprop="priceCurrency" content="EUR"><meta itemprop="price" content="30.00">
      <div itemprop="customer" itemscope itemtype="http://schema.org/Person"><span itemprop="email">not an address</span></div>
      <div itemprop="acceptedOffer" itemscope itemtype="http://schema.org/Offer"><span itemprop="itemOffered">Becher</span>
      <meta itemprop="price" content="12.00"><meta itemprop="eligibleQuantity" content="2"></div></div>`;
    expect(await read(message({ html }))).toEqual({
      intakes: [
        {
          ...base,
          external_ref: "X-2",
          currency: "EUR",
          lines: [{ sku: "becher", name: "Becher", quantity: 2, unit_price: 1200 }],
        },
      ],
      note: "Order X-2: the mail's total 30.00 EUR differs from its lines, shipping and discount (24.00 EUR). Order X-2: the buyer's email \"not an address\" is left out (Invalid email address).",
    });
  });

  it("says so when a JSON-LD block is not JSON or an Order has no number", async () => {
    const html = `<script type="application/ld+json">{"@type": "Order",</script>
      <div itemscope itemtype="https://schema.org/Order"><meta itemprop="price" content="1"></div>`;
    const { intakes, note } = await read(message({ html, from: "shop@example.test" }));
    expect(intakes).toEqual([]);
    expect(note).toMatch(
      /^Its schema\.org markup names no order that could be read and no template for sender shop@example\.test\. A JSON-LD block is not valid JSON \(.+\)\. An Order without an orderNumber was skipped\.$/,
    );
  });
});

describe("templates, for mail without markup", () => {
  const outlet = "werksverkauf@alpenglueck.test";
  const WV_0815 = {
    ...base,
    external_ref: "WV-2026-0815",
    merchant: "Alpenglück Werksverkauf",
    buyer: { name: "Jürgen Weiß", email: "juergen.weiss@roms.test" },
    currency: "EUR",
    lines: [
      { sku: "WV-101", name: "Merino-Mütze „Gams“", quantity: 2, unit_price: 2000 },
      { sku: "WV-205", name: "Zelt „Hütte 3“ (3 Personen)", quantity: 1, unit_price: 125000 },
    ],
    shipping: 1000,
  };

  it("reads a confirmation's fields and line table with the sender's template", async () => {
    expect(await read(await parsed("template-no-markup"), [template()])).toEqual({
      intakes: [WV_0815],
      note: null,
    });
  });

  it("applies a template for the whole domain, and to the HTML reduced to text when there is no text part", async () => {
    const html = `<p>Bestellnummer: WV-2026-0815</p><p>Kunde: Jürgen Weiß<br>E-Mail: juergen.weiss@roms.test</p>
      <table><tr><td>WV-101</td><td>Merino-M&uuml;tze &bdquo;Gams&ldquo;</td><td>2 x</td><td>20,00 EUR</td></tr></table>
      <p>Versand: 10,00</p><p>Gesamtsumme: 50,00</p>`;
    const tabbed = "^(?<sku>WV-\\d{3})\\t(?<name>[^\\t]+)\\t(?<quantity>\\d+) x\\t(?<price>[\\d.,]+) EUR$";
    const reading = await read(message({ html, from: "noreply@alpenglueck.test" }), [
      template({ sender: "@alpenglueck.test", linePattern: tabbed }),
    ]);
    expect(reading).toEqual({
      intakes: [{ ...WV_0815, lines: [WV_0815.lines[0]] }],
      note: null,
    });
  });

  it("says a stated total that differs from lines and shipping, and still returns the order", async () => {
    const email = await parsed("template-no-markup");
    const reading = await read(
      { ...email, text: email.text?.replace("Gesamtsumme: 1.300,00", "Gesamtsumme: 1.310,00") },
      [template()],
    );
    expect(reading.intakes).toEqual([WV_0815]);
    expect(reading.note).toBe(
      'Template "Alpenglück Werksverkauf": the mail\'s total 1310.00 EUR differs from its lines, shipping and discount (1300.00 EUR).',
    );
  });

  it("skips a template whose regular expression is invalid, says why, and reads with the next", async () => {
    const broken = template({
      id: "tpl_broken",
      name: "Kaputt",
      fields: { order_number: "Bestellnummer: (WV-[" },
    });
    const reading = await read(await parsed("template-no-markup"), [broken, template()]);
    expect(reading.intakes).toEqual([WV_0815]);
    expect(reading.note).toMatch(
      /^Template "Kaputt" is skipped: its order_number pattern is not a valid regular expression \(.+\)\.$/,
    );

    const badSubject = await read(await parsed("template-no-markup"), [template({ subjectPattern: "(" })]);
    expect(badSubject.intakes).toEqual([]);
    expect(badSubject.note).toMatch(
      new RegExp(
        `^No schema\\.org Order or ParcelDelivery markup, and no template for ${outlet} read an order\\. Template "Alpenglück Werksverkauf" is skipped: its subject pattern is not a valid regular expression`,
      ),
    );
  });

  it("gives no order and a note when a field pattern does not match", async () => {
    const reading = await read(await parsed("template-no-markup"), [
      template({ fields: { ...OUTLET_TEMPLATE.fields, order_number: "^Auftrag:\\s*(\\S+)" } }),
    ]);
    expect(reading).toEqual({
      intakes: [],
      note: `No schema.org Order or ParcelDelivery markup, and no template for ${outlet} read an order. Template "Alpenglück Werksverkauf": its order_number pattern did not match.`,
    });
  });

  it("does not apply a template whose subject does not match, and names the sender when none is set up", async () => {
    const email = await parsed("template-no-markup");
    expect((await read(email, [template({ subjectPattern: "^Versandbestätigung" })])).note).toBe(
      `No schema.org Order or ParcelDelivery markup, and no template for ${outlet} read an order. Template "Alpenglück Werksverkauf": the subject does not match.`,
    );
    expect(await read(email, [template({ sender: "orders@alpenglueck.test" })])).toEqual({
      intakes: [],
      note: `No schema.org Order or ParcelDelivery markup and no template for sender ${outlet}.`,
    });
  });

  it("reads shipment and cancellation notices as updates", async () => {
    const text =
      "Ihre Bestellung WV-2026-0815 wurde mit DHL versandt.\nSendungsnummer: 00340434161094042557\n";
    const shipment = template({
      kind: "shipment",
      subjectPattern: null,
      linePattern: null,
      fields: {
        order_number: "Bestellung (WV-\\d{4}-\\d{4})",
        carrier: "mit (\\S+) versandt",
        tracking_number: "/sendungsnummer: (\\d+)/i",
        tracking_url: "(https://\\S+)",
      },
    });
    expect(await read(message({ text, subject: "Versand" }), [shipment])).toEqual({
      intakes: [
        {
          ...base,
          external_ref: "WV-2026-0815",
          merchant: "Alpenglück Werksverkauf",
          status: "shipped",
          tracking: { carrier: "DHL", number: "00340434161094042557" },
        },
      ],
      note: null,
    });
    const cancellation = template({ kind: "cancellation", fields: { order_number: "Storno (\\S+)" } });
    expect(
      (
        await read(message({ text: "Storno WV-2026-0815", subject: "Bestellbestätigung storniert" }), [
          cancellation,
        ])
      ).intakes,
    ).toEqual([
      { ...base, external_ref: "WV-2026-0815", merchant: "Alpenglück Werksverkauf", status: "cancelled" },
    ]);
  });
});

describe("amounts", () => {
  it("reads decimal commas, thousands separators and numbers exactly, by the currency's exponent", () => {
    expect(readMinor("1.234,56", "EUR")).toBe(123456);
    expect(readMinor("1,234.56", "USD")).toBe(123456);
    expect(readMinor("12.5", "EUR")).toBe(1250);
    expect(readMinor(12.5, "USD")).toBe(1250);
    expect(readMinor("1.250", "EUR")).toBe(125000);
    expect(readMinor("1 234,50 €", "EUR")).toBe(123450);
    expect(readMinor("USD 1,250", "USD")).toBe(125000);
    expect(readMinor("1.250", "KWD")).toBe(1250);
    expect(readMinor("1234", "JPY")).toBe(1234);
    expect(readMinor("0.125", "EUR")).toBeNull(); // finer than a cent: never rounded
    expect(readMinor("1.234.56", "EUR")).toBeNull();
    expect(readMinor("12,34,56", "EUR")).toBeNull();
    expect(readMinor("zwölf", "EUR")).toBeNull();
    expect(readMinor(Number.NaN, "EUR")).toBeNull();
    expect(readMinor(0.1 + 0.2, "EUR")).toBeNull();
    expect(readQuantity("2")).toBe(2);
    expect(readQuantity(3)).toBe(3);
    expect(readQuantity("1.5")).toBeNull();
    expect(readQuantity(0)).toBeNull();
    expect(readCurrency("€")).toBe("EUR");
    expect(readCurrency("usd")).toBe("USD");
    expect(readCurrency("EURO")).toBeNull();
  });
});
