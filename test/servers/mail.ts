// A route of the tests' loopback server (test/global-setup.ts): the mail corpus, real-format messages built
// with nodemailer's MIME composer (built once, on the first request, byte for byte the same every run).
//   GET /mail/index.json    the names, in the order a mailbox would receive them (test/fixtures/mail/corpus.ts)
//   GET /mail/<name>.eml    one message's raw bytes
import type { IncomingMessage, ServerResponse } from "node:http";
import MailComposer from "nodemailer/lib/mail-composer";
import { type CorpusName, MAIL_CORPUS, RETAILER_DOMAIN } from "../fixtures/mail/corpus";

const SHOP = `orders@${RETAILER_DOMAIN}`;
const US_SHOP = `orders-us@${RETAILER_DOMAIN}`;
const SHIPPING = `versand@${RETAILER_DOMAIN}`;
const OUTLET = `werksverkauf@${RETAILER_DOMAIN}`;
const MAILBOX = "purchases@roms.test";
const MERCHANT = "Alpenglück Outdoor GmbH";

type Mail = ConstructorParameters<typeof MailComposer>[0] & object;

/** Builds one message; fixed boundaries, Date and Message-ID make it the same bytes on every run. */
async function compose(mail: Mail & { date: string; messageId: string }): Promise<Buffer> {
  const composer = new MailComposer({
    to: MAILBOX,
    newline: "win",
    baseBoundary: "alpenglueck",
    ...mail,
    date: new Date(mail.date),
  });
  return composer.compile().build();
}

// --- the orders, once as data, so the JSON-LD and the microdata of one order are the same order ---

interface Address {
  name: string;
  street: string;
  postalCode: string;
  city: string;
  region?: string;
  country: string | { "@type": "Country"; name: string };
}
interface Line {
  sku: string;
  name: string;
  quantity: number;
  price: string | number;
}
interface Order {
  number: string;
  date: string;
  currency: string;
  merchant: string;
  status: string;
  customer: { name: string; email: string; telephone?: string };
  lines: Line[];
  shipping?: string;
  total: string;
  billing?: Address;
  delivery?: Address;
}

const HAMBURG_WAREHOUSE: Address = {
  name: "ROMS Lager Nord",
  street: "Hafenstraße 12",
  postalCode: "20457",
  city: "Hamburg",
  country: "DE",
};
const HAMBURG_OFFICE: Address = {
  name: "ROMS GmbH – Buchhaltung",
  street: "Große Elbstraße 145",
  postalCode: "22767",
  city: "Hamburg",
  country: "DE",
};
const PORTLAND: Address = {
  name: "ROMS Inc. Receiving",
  street: "500 Harbor Blvd\nSuite 210",
  postalCode: "97209",
  city: "Portland",
  region: "OR",
  country: { "@type": "Country", name: "US" },
};
const JUERGEN = { name: "Jürgen Weiß", email: "juergen.weiss@roms.test", telephone: "+49 40 1234567" };

const AG_10001: Order = {
  number: "AG-10001",
  date: "2026-03-02T10:15:00+01:00",
  currency: "EUR",
  merchant: MERCHANT,
  status: "http://schema.org/OrderProcessing",
  customer: JUERGEN,
  lines: [
    { sku: "AG-WS-200", name: "Wanderstock „Alpin“ Carbon", quantity: 2, price: "20.00" },
    { sku: "AG-FS-M", name: "Funktionsshirt Größe M", quantity: 1, price: "15.00" },
  ],
  shipping: "5.00",
  total: "60.00",
  billing: HAMBURG_OFFICE,
  delivery: HAMBURG_WAREHOUSE,
};

const postalAddress = (a: Address) => ({
  "@type": "PostalAddress",
  name: a.name,
  streetAddress: a.street,
  postalCode: a.postalCode,
  addressLocality: a.city,
  ...(a.region ? { addressRegion: a.region } : {}),
  addressCountry: a.country,
});

function orderJsonLd(o: Order) {
  return {
    "@context": "http://schema.org",
    "@type": "Order",
    merchant: { "@type": "Organization", name: o.merchant },
    orderNumber: o.number,
    orderDate: o.date,
    orderStatus: o.status,
    priceCurrency: o.currency,
    price: o.total,
    customer: { "@type": "Person", ...o.customer },
    acceptedOffer: o.lines.map((l) => ({
      "@type": "Offer",
      itemOffered: { "@type": "Product", name: l.name, sku: l.sku },
      price: l.price,
      priceCurrency: o.currency,
      eligibleQuantity: { "@type": "QuantitativeValue", value: l.quantity },
    })),
    ...(o.shipping
      ? {
          priceSpecification: {
            "@type": "DeliveryChargeSpecification",
            price: o.shipping,
            priceCurrency: o.currency,
          },
        }
      : {}),
    ...(o.billing ? { billingAddress: postalAddress(o.billing) } : {}),
    ...(o.delivery
      ? { orderDelivery: { "@type": "ParcelDelivery", deliveryAddress: postalAddress(o.delivery) } }
      : {}),
  };
}

const jsonLd = (data: unknown) =>
  `<script type="application/ld+json">\n${JSON.stringify(data, null, 2).replaceAll("</", "<\\/")}\n</script>`;

const escapeHtml = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

/** A mail body as shops send them: a table layout, inline styles, the markup in the head or inline. */
function page(title: string, body: string, head = "") {
  return `<!DOCTYPE html>
<html lang="de">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>${escapeHtml(title)}</title>
${head}
<style>td { font-family: Helvetica, Arial, sans-serif; padding: 4px 8px; } .muted { color: #777; }</style>
</head>
<body style="margin:0;background:#f4f4f4">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="600" style="background:#fff">
<tr><td><img src="https://${RETAILER_DOMAIN}/mail/logo.png" alt="Alpenglück Outdoor" width="180"></td></tr>
<tr><td>
${body}
</td></tr>
<tr><td class="muted">Alpenglück Outdoor GmbH · Bergstraße 7 · 83471 Berchtesgaden · <a href="https://${RETAILER_DOMAIN}/">${RETAILER_DOMAIN}</a></td></tr>
</table>
</td></tr></table>
</body>
</html>
`;
}

const euro = (amount: string | number) => `${Number(amount).toFixed(2).replace(".", ",")}&nbsp;&euro;`;

/** The order as a person sees it, without markup. */
function orderTable(o: Order, money: (amount: string | number) => string) {
  const rows = o.lines
    .map(
      (l) =>
        `<tr><td>${escapeHtml(l.name)}<br><span class="muted">Art.-Nr. ${l.sku}</span></td><td align="right">${l.quantity}</td><td align="right">${money(l.price)}</td></tr>`,
    )
    .join("\n");
  return `<table width="100%">
<tr><th align="left">Artikel</th><th align="right">Menge</th><th align="right">Einzelpreis</th></tr>
${rows}
${o.shipping ? `<tr><td colspan="2">Versand</td><td align="right">${money(o.shipping)}</td></tr>` : ""}
<tr><td colspan="2"><strong>Gesamt</strong></td><td align="right"><strong>${money(o.total)}</strong></td></tr>
</table>`;
}

function orderText(o: Order, money: (amount: string | number) => string) {
  return [
    `Bestellnummer: ${o.number}`,
    "",
    ...o.lines.map((l) => `${l.quantity} x ${l.name} (${l.sku}) à ${money(l.price)}`),
    ...(o.shipping ? [`Versand: ${money(o.shipping)}`] : []),
    `Gesamt: ${money(o.total)}`,
  ].join("\n");
}
const euroText = (amount: string | number) => `${Number(amount).toFixed(2).replace(".", ",")} EUR`;
const dollarText = (amount: string | number) => `$${Number(amount).toFixed(2)}`;

function confirmationJsonLd(o: Order, money = euro, moneyText = euroText) {
  return {
    html: page(
      `Bestellbestätigung ${o.number}`,
      `<h1>Vielen Dank für Ihre Bestellung, ${escapeHtml(o.customer.name)}!</h1>
<p>Bestellnummer <strong>${o.number}</strong></p>
${orderTable(o, money)}`,
      jsonLd(orderJsonLd(o)),
    ),
    text: `Vielen Dank für Ihre Bestellung, ${o.customer.name}!\n\n${orderText(o, moneyText)}\n`,
  };
}

/** AG-10001 once more, in microdata on the visible table, written with HTML entities where shops use them. */
function confirmationMicrodata(o: Order) {
  const address = (prop: string, a: Address) =>
    `<div itemprop="${prop}" itemscope itemtype="http://schema.org/PostalAddress">
<span itemprop="name">${escapeHtml(a.name)}</span><br>
<span itemprop="streetAddress">${escapeHtml(a.street)}</span><br>
<span itemprop="postalCode">${a.postalCode}</span> <span itemprop="addressLocality">${escapeHtml(a.city)}</span><br>
<meta itemprop="addressCountry" content="${typeof a.country === "string" ? a.country : a.country.name}">
</div>`;
  const entities = (text: string) =>
    escapeHtml(text)
      .replace("„", "&bdquo;")
      .replace("“", "&ldquo;")
      .replace("ö", "&ouml;")
      .replace("ß", "&szlig;");
  const rows = o.lines
    .map(
      (l) => `<tr itemprop="acceptedOffer" itemscope itemtype="http://schema.org/Offer">
<td itemprop="itemOffered" itemscope itemtype="http://schema.org/Product"><span itemprop="name">${entities(l.name)}</span><br><span class="muted">Art.-Nr. <span itemprop="sku">${l.sku}</span></span></td>
<td align="right" itemprop="eligibleQuantity" itemscope itemtype="http://schema.org/QuantitativeValue"><span itemprop="value">${l.quantity}</span></td>
<td align="right"><span itemprop="price" content="${l.price}">${euro(l.price)}</span><meta itemprop="priceCurrency" content="${o.currency}"></td>
</tr>`,
    )
    .join("\n");
  return page(
    `Bestellbestätigung ${o.number}`,
    `<div itemscope itemtype="http://schema.org/Order">
<div itemprop="merchant" itemscope itemtype="http://schema.org/Organization"><meta itemprop="name" content="${escapeHtml(o.merchant)}"></div>
<link itemprop="orderStatus" href="${o.status}">
<meta itemprop="priceCurrency" content="${o.currency}">
<h1>Vielen Dank für Ihre Bestellung!</h1>
<p>Bestellnummer <strong itemprop="orderNumber">${o.number}</strong>, bestellt am <time itemprop="orderDate" datetime="${o.date}">2. M&auml;rz 2026</time></p>
<p itemprop="customer" itemscope itemtype="http://schema.org/Person">Besteller: <span itemprop="name">J&uuml;rgen Wei&szlig;</span>
&lt;<a itemprop="email" href="mailto:${o.customer.email}">${o.customer.email}</a>&gt;, Tel. <span itemprop="telephone">${o.customer.telephone}</span></p>
<table width="100%">
<tr><th align="left">Artikel</th><th align="right">Menge</th><th align="right">Einzelpreis</th></tr>
${rows}
<tr itemprop="priceSpecification" itemscope itemtype="http://schema.org/DeliveryChargeSpecification"><td colspan="2">Versand</td>
<td align="right"><span itemprop="price" content="${o.shipping}">${euro(o.shipping ?? 0)}</span><meta itemprop="priceCurrency" content="${o.currency}"></td></tr>
<tr><td colspan="2"><strong>Gesamt</strong></td><td align="right"><strong itemprop="price" content="${o.total}">${euro(o.total)}</strong></td></tr>
</table>
<table width="100%"><tr>
<td valign="top"><h3>Rechnungsadresse</h3>${o.billing ? address("billingAddress", o.billing) : ""}</td>
<td valign="top" itemprop="orderDelivery" itemscope itemtype="http://schema.org/ParcelDelivery"><h3>Lieferadresse</h3>${o.delivery ? address("deliveryAddress", o.delivery) : ""}</td>
</tr></table>
</div>`,
  );
}

const DHL = {
  number: "00340434161094042557",
  url: "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=00340434161094042557",
};
const HERMES = {
  number: "H1002345678901234567",
  url: "https://www.myhermes.de/empfangen/sendungsverfolgung/sendungsinformation#H1002345678901234567",
};

/** A minimal, valid one-page PDF with a few lines of text (ASCII), its cross-reference table computed. */
function invoicePdf(lines: string[]): Buffer {
  const pdfString = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const content = `BT /F1 12 Tf 72 740 Td 16 TL ${lines.map((l) => `(${pdfString(l)}) '`).join(" ")} ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let pdf = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, "latin1");
}

const BUILDERS: Record<CorpusName, () => Promise<Buffer>> = {
  "order-jsonld": () => orderJsonLdMessage("<ag-10001.confirmation@alpenglueck.test>"),

  "order-microdata": () =>
    compose({
      from: `Alpenglück Outdoor <${SHOP}>`,
      subject: "Ihre Bestellung AG-10001 ist eingegangen",
      date: "2026-03-02T09:20:00Z",
      messageId: "<ag-10001.confirmation.microdata@alpenglueck.test>",
      html: { content: confirmationMicrodata(AG_10001), contentTransferEncoding: "base64" },
    }),

  "order-jsonld-repeat-new-id": () => orderJsonLdMessage("<ag-10001.confirmation.resent@alpenglueck.test>"),

  "parcel-shipped": () =>
    compose({
      from: `Alpenglück Versand <${SHIPPING}>`,
      subject: "Ihre Bestellung AG-10001 ist unterwegs",
      date: "2026-03-03T14:05:00Z",
      messageId: "<ag-10001.shipped@alpenglueck.test>",
      textEncoding: "quoted-printable",
      text: `Ihre Bestellung AG-10001 wurde mit DHL verschickt.\nSendungsnummer: ${DHL.number}\n${DHL.url}\n`,
      html: page(
        "Versandbestätigung AG-10001",
        `<p>Ihre Bestellung <strong>AG-10001</strong> ist unterwegs.</p>
<p>DHL-Sendungsnummer <a href="${DHL.url}">${DHL.number}</a></p>`,
        jsonLd({
          "@context": "http://schema.org",
          "@type": "ParcelDelivery",
          deliveryAddress: postalAddress(HAMBURG_WAREHOUSE),
          expectedArrivalUntil: "2026-03-05T18:00:00+01:00",
          carrier: { "@type": "Organization", name: "DHL" },
          itemShipped: AG_10001.lines.map((l) => ({ "@type": "Product", name: l.name, sku: l.sku })),
          trackingNumber: DHL.number,
          trackingUrl: DHL.url,
          partOfOrder: {
            "@type": "Order",
            orderNumber: "AG-10001",
            merchant: { "@type": "Organization", name: MERCHANT },
            orderStatus: "https://schema.org/OrderInTransit",
          },
        }),
      ),
    }),

  "parcel-delivered": () =>
    compose({
      from: `Alpenglück Versand <${SHIPPING}>`,
      subject: "Ihre Bestellung AG-10001 wurde zugestellt",
      date: "2026-03-04T11:40:00Z",
      messageId: "<ag-10001.delivered@alpenglueck.test>",
      html: page(
        "Zustellung AG-10001",
        `<div itemscope itemtype="http://schema.org/ParcelDelivery">
<link itemprop="deliveryStatus" href="http://schema.org/OrderDelivered">
<p>Ihr Paket zur Bestellung <span itemprop="partOfOrder" itemscope itemtype="http://schema.org/Order"><strong itemprop="orderNumber">AG-10001</strong><meta itemprop="merchant" content="${MERCHANT}"></span>
wurde heute von <span itemprop="carrier" itemscope itemtype="http://schema.org/Organization"><span itemprop="name">DHL</span></span> zugestellt.</p>
<p>Sendungsnummer <a itemprop="trackingUrl" href="${DHL.url}"><span itemprop="trackingNumber">${DHL.number}</span></a></p>
</div>`,
      ),
    }),

  "order-cancelled": () => {
    const order: Order = {
      number: "AG-10002",
      date: "2026-03-05T16:30:00-08:00",
      currency: "USD",
      merchant: "Alpenglück Outdoor US",
      status: "http://schema.org/OrderCancelled",
      customer: { name: "Dana Whitfield", email: "dana.whitfield@roms.test" },
      lines: [
        { sku: "AGUS-HL-300", name: "Headlamp Lumen 300", quantity: 4, price: 12.5 },
        { sku: "AGUS-CB-HMS", name: "Carabiner HMS Steel", quantity: 2, price: "7.50" },
      ],
      total: "65.00",
      billing: PORTLAND,
      delivery: PORTLAND,
    };
    const body = confirmationJsonLd(order, dollarText, dollarText);
    return compose({
      from: `Alpenglück Outdoor US <${US_SHOP}>`,
      subject: "Your order AG-10002 has been cancelled",
      date: "2026-03-06T08:00:00Z",
      messageId: "<ag-10002.cancelled@alpenglueck.test>",
      textEncoding: "quoted-printable",
      ...body,
    });
  },

  "latin1-order": () => {
    const order: Order = {
      number: "AG-10003",
      date: "2026-03-09",
      currency: "EUR",
      merchant: MERCHANT,
      status: "OrderPaymentDue",
      customer: { name: "Zoë Brühl", email: "zoe.bruehl@roms.test" },
      lines: [
        { sku: "AG-SD-05", name: "Schlafsack Daunen -5 °C", quantity: 1, price: "150.00" },
        { sku: "AG-IM-BS", name: "Isomatte «Bergsee» selbstaufblasend", quantity: 2, price: "45.00" },
      ],
      total: "240.00",
      billing: { ...HAMBURG_OFFICE, country: "Deutschland" },
      delivery: HAMBURG_WAREHOUSE,
    };
    // Everything here is in Latin-1 ("–" of the office's name is not: that address is left out anyway).
    const latin1 = (text: string) => Buffer.from(text.replaceAll("–", "-"), "latin1");
    const body = confirmationJsonLd(order);
    return compose({
      from: `Alpenglück Outdoor <${SHOP}>`,
      subject: "Ihre Bestellung AG-10003 – bitte bezahlen",
      date: "2026-03-09T07:45:00Z",
      messageId: "<ag-10003.confirmation@alpenglueck.test>",
      // As alternatives: the composer labels its own text and html parts UTF-8 whatever they hold.
      alternatives: [
        {
          content: latin1(body.text),
          contentType: "text/plain; charset=iso-8859-1",
          contentTransferEncoding: "quoted-printable",
        },
        {
          content: latin1(body.html.replace("charset=utf-8", "charset=iso-8859-1")),
          contentType: "text/html; charset=iso-8859-1",
          contentTransferEncoding: "quoted-printable",
        },
      ],
    });
  },

  "delivered-before-shipped": () =>
    compose({
      from: `Alpenglück Versand <${SHIPPING}>`,
      subject: "Zugestellt: Ihre Bestellung AG-10003",
      date: "2026-03-11T12:10:00Z",
      messageId: "<ag-10003.delivered@alpenglueck.test>",
      textEncoding: "quoted-printable",
      html: page(
        "Zustellung AG-10003",
        `<p>Ihr Paket zur Bestellung AG-10003 wurde zugestellt (Hermes, ${HERMES.number}).</p>`,
        jsonLd({
          "@context": "https://schema.org",
          "@type": "ParcelDelivery",
          provider: { "@type": "Organization", name: "Hermes" },
          trackingNumber: HERMES.number,
          trackingUrl: HERMES.url,
          deliveryStatus: {
            "@type": "DeliveryEvent",
            name: "Delivered",
            availableFrom: "2026-03-11T11:52:00+01:00",
          },
          deliveryAddress: postalAddress(HAMBURG_WAREHOUSE),
          partOfOrder: {
            "@type": "Order",
            orderNumber: "AG-10003",
            merchant: { "@type": "Organization", name: MERCHANT },
          },
        }),
      ),
    }),

  "shipped-after-delivered": () =>
    compose({
      from: `Alpenglück Versand <${SHIPPING}>`,
      subject: "Ihre Bestellung AG-10003 ist unterwegs",
      date: "2026-03-11T18:30:00Z",
      messageId: "<ag-10003.shipped@alpenglueck.test>",
      html: page(
        "Versandbestätigung AG-10003",
        `<p>Ihre Bestellung AG-10003 ist mit Hermes unterwegs: <a href="${HERMES.url}">${HERMES.number}</a>.</p>`,
        jsonLd({
          "@context": "http://schema.org",
          "@type": "ParcelDelivery",
          carrier: "Hermes",
          trackingNumber: HERMES.number,
          trackingUrl: HERMES.url,
          deliveryAddress: postalAddress(HAMBURG_WAREHOUSE),
          partOfOrder: {
            "@type": "Order",
            orderNumber: "AG-10003",
            merchant: { "@type": "Organization", name: MERCHANT },
          },
        }),
      ),
    }),

  "order-with-attachment": () => {
    const lines = [
      { sku: "AGUS-T3", name: "Tent Hütte 3 (3-person)", quantity: 1, price: "$1,250.00" },
      { sku: "AGUS-T3-FP", name: "Tent footprint Hütte 3", quantity: 2, price: "$45.00" },
    ];
    const rows = lines
      .map(
        (l) => `<tr itemprop="acceptedOffer" itemscope itemtype="http://schema.org/Offer">
<td itemprop="itemOffered" itemscope itemtype="http://schema.org/Product"><span itemprop="name">${l.name}</span> <small>(<span itemprop="productID">${l.sku}</span>)</small></td>
<td itemprop="eligibleQuantity" itemscope itemtype="http://schema.org/QuantitativeValue"><span itemprop="value">${l.quantity}</span></td>
<td itemprop="price">${l.price}</td>
</tr>`,
      )
      .join("\n");
    return compose({
      from: `Alpenglück Outdoor US <${US_SHOP}>`,
      subject: "Order AG-10004 confirmed – invoice attached",
      date: "2026-03-12T19:00:00Z",
      messageId: "<ag-10004.confirmation@alpenglueck.test>",
      text: "Thank you for your order AG-10004. Your invoice is attached.\nTotal: $1,360.00\n",
      html: page(
        "Order AG-10004",
        `<div itemscope itemtype="http://schema.org/Order">
<p>Thank you for your order <b itemprop="orderNumber">AG-10004</b>, placed <time itemprop="orderDate" datetime="2026-03-12T11:58:00-07:00">March 12, 2026</time>.</p>
<meta itemprop="priceCurrency" content="USD">
<span itemprop="seller" itemscope itemtype="http://schema.org/Organization"><meta itemprop="name" content="Alpenglück Outdoor US"></span>
<div itemprop="customer" itemscope itemtype="http://schema.org/Person"><meta itemprop="name" content="Dana Whitfield"><meta itemprop="email" content="dana.whitfield@roms.test"></div>
<table>
<tr><th>Item</th><th>Qty</th><th>Price</th></tr>
${rows}
<tr itemprop="priceSpecification" itemscope itemtype="http://schema.org/DeliveryChargeSpecification"><td colspan="2">Shipping</td><td itemprop="price">$20.00</td></tr>
<tr><td colspan="2">Total</td><td itemprop="price">$1,360.00</td></tr>
</table>
<div itemprop="orderDelivery" itemscope itemtype="http://schema.org/ParcelDelivery">
<div itemprop="deliveryAddress" itemscope itemtype="http://schema.org/PostalAddress">
<span itemprop="name">ROMS Inc. Receiving</span><br><span itemprop="streetAddress">500 Harbor Blvd</span><br>
<span itemprop="addressLocality">Portland</span>, <span itemprop="addressRegion">OR</span> <span itemprop="postalCode">97209</span><br>
<span itemprop="addressCountry" itemscope itemtype="http://schema.org/Country"><span itemprop="name">US</span></span>
</div></div>
</div>`,
      ),
      attachments: [
        {
          filename: "Invoice-AG-10004.pdf",
          contentType: "application/pdf",
          content: invoicePdf([
            "Alpenglueck Outdoor US - Invoice AG-10004",
            "1 x Tent Huette 3 (3-person)   1,250.00",
            "2 x Tent footprint Huette 3       90.00",
            "Shipping                          20.00",
            "Total USD                      1,360.00",
          ]),
        },
      ],
    });
  },

  "template-no-markup": () =>
    compose({
      from: `Alpenglück Werksverkauf <${OUTLET}>`,
      subject: "Bestellbestätigung WV-2026-0815",
      date: "2026-03-13T10:00:00Z",
      messageId: "<wv-2026-0815@alpenglueck.test>",
      textEncoding: "quoted-printable",
      text: [
        "Guten Tag Jürgen Weiß,",
        "",
        "vielen Dank für Ihre Bestellung im Alpenglück Werksverkauf.",
        "",
        "Bestellnummer: WV-2026-0815",
        "Bestelldatum: 13.03.2026",
        "Kunde: Jürgen Weiß",
        "E-Mail: juergen.weiss@roms.test",
        "Währung: EUR",
        "",
        "Art.-Nr.  Artikel                         Menge     Einzelpreis",
        "WV-101    Merino-Mütze „Gams“               2 x       20,00 EUR",
        "WV-205    Zelt „Hütte 3“ (3 Personen)       1 x    1.250,00 EUR",
        "",
        "Zwischensumme: 1.290,00 EUR",
        "Versand: 10,00 EUR",
        "Gesamtsumme: 1.300,00 EUR",
        "",
        "Ihr Team vom Alpenglück Werksverkauf",
        "",
      ].join("\n"),
    }),

  "unknown-sender": () =>
    compose({
      from: "Schnäppchen-Markt <deals@schnaeppchen-markt.test>",
      subject: "Ihre Bestellung SM-777",
      date: "2026-03-14T06:00:00Z",
      messageId: "<sm-777@schnaeppchen-markt.test>",
      html: `<html><head>${jsonLd({
        "@context": "http://schema.org",
        "@type": "Order",
        merchant: { "@type": "Organization", name: "Schnäppchen-Markt" },
        orderNumber: "SM-777",
        priceCurrency: "EUR",
        price: "9.99",
        acceptedOffer: {
          "@type": "Offer",
          itemOffered: { "@type": "Product", name: "Powerbank 20000 mAh", sku: "SM-PB-20" },
          price: "9.99",
          priceCurrency: "EUR",
        },
      })}</head><body><p>Danke für Ihre Bestellung SM-777!</p></body></html>`,
    }),

  "broken-boundary": async () => {
    const order: Order = {
      number: "AG-10005",
      date: "2026-03-15T09:00:00+01:00",
      currency: "EUR",
      merchant: MERCHANT,
      status: "http://schema.org/OrderProcessing",
      customer: JUERGEN,
      lines: [{ sku: "AG-ZH-18", name: "Zeltheringe Alu 18 cm", quantity: 10, price: "1.50" }],
      shipping: "5.00",
      total: "20.00",
      delivery: HAMBURG_WAREHOUSE,
    };
    const raw = (
      await compose({
        from: `Alpenglück Outdoor <${SHOP}>`,
        subject: "Ihre Bestellung AG-10005 ist eingegangen",
        date: "2026-03-15T08:05:00Z",
        messageId: "<ag-10005.confirmation@alpenglueck.test>",
        textEncoding: "quoted-printable",
        ...confirmationJsonLd(order),
      })
    ).toString("latin1");
    const boundary = /boundary="([^"]+)"/.exec(raw)?.[1];
    const closing = `--${boundary}--`;
    if (!boundary || !raw.includes(closing))
      throw new Error("broken-boundary: no closing boundary to corrupt");
    // A relay that mangled the last line: the closing delimiter no longer names the boundary.
    return Buffer.from(raw.replace(closing, `--${boundary.slice(0, -3)}X7--`), "latin1");
  },

  "empty-body": () =>
    compose({
      from: `Alpenglück Outdoor <${SHOP}>`,
      subject: "Ihre Bestellung AG-10006",
      date: "2026-03-16T12:00:00Z",
      messageId: "<ag-10006.empty@alpenglueck.test>",
    }),
};

function orderJsonLdMessage(messageId: string) {
  return compose({
    from: `Alpenglück Outdoor <${SHOP}>`,
    subject: "Ihre Bestellung AG-10001 ist eingegangen",
    date: "2026-03-02T09:20:00Z",
    messageId,
    textEncoding: "quoted-printable",
    ...confirmationJsonLd(AG_10001),
  });
}

let corpus: Promise<Map<string, Buffer>> | undefined;

/** Every message, built on first use. */
export function mailCorpus(): Promise<Map<string, Buffer>> {
  corpus ??= Promise.all(MAIL_CORPUS.map(async ({ name }) => [name, await BUILDERS[name]()] as const)).then(
    (built) => new Map(built),
  );
  corpus.catch(() => {
    corpus = undefined; // a failed build is tried again on the next request
  });
  return corpus;
}

export async function mailServer(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (!url.pathname.startsWith("/mail/")) return false;
  if (req.method !== "GET") {
    res.writeHead(405, { allow: "GET" }).end();
    return true;
  }
  if (url.pathname === "/mail/index.json") {
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify(MAIL_CORPUS.map((m) => m.name)));
    return true;
  }
  const name = /^\/mail\/([a-z0-9-]+)\.eml$/.exec(url.pathname)?.[1];
  try {
    const raw = name ? (await mailCorpus()).get(name) : undefined;
    if (!raw) res.writeHead(404).end("no such message");
    else res.writeHead(200, { "content-type": "message/rfc822", "content-length": raw.byteLength }).end(raw);
  } catch (error) {
    res
      .writeHead(500, { "content-type": "text/plain" })
      .end(`the mail corpus could not be built: ${String(error)}`);
  }
  return true;
}
