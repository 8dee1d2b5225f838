// A fake Magento 2 REST API for the store-pull tests and the bench, under /magento/<scenario>/ (the
// connection's base URL); each scenario has its own store, so parallel tests never share one:
//   GET  /magento/<s>/rest/V1/orders|invoices   searchCriteria as Magento reads it: filter_groups (filters
//        ORed within a group, groups ANDed; eq neq gt gteq lt lteq in nin), sortOrders, pageSize,
//        currentPage (past the last page: the last page again, as Magento does), `fields=items[a,b]`.
//        Authorization: Bearer <token> (default "test-token"), else 401 with Magento's error body.
//   POST /magento/<s>/control   {orders?: n} a store of n generated orders (half invoiced) instead of the
//        seven fixture orders; {fail_on_page?: n, feed?: "orders"|"invoices"} the n-th list request of that
//        feed from now answers 500 once; {invoice?: {order: increment_id, at}} invoices an order as Magento
//        does (the order is processing, paid, updated at `at`); {token?: s}. Answers the store's counts.
//   GET  /magento/<s>/log        the requests it answered: method, path, query, status.
// Money is written as Magento writes it: JSON numbers of up to four decimals. Built from cents, never summed
// as floats. Runs in Node (global-setup and bench/magento.mjs import it), so it imports only types.
import type { IncomingMessage, ServerResponse } from "node:http";

type Item = Record<string, unknown> & { entity_id: number; updated_at: string };

interface Store {
  token: string;
  orders: Item[];
  invoices: Item[];
  fail: { feed: string; countdown: number } | null;
  listed: Record<string, number>;
  log: { method: string; path: string; query: string; status: number }[];
}

const stores = new Map<string, Store>();
const PATH = /^\/magento\/([\w-]{1,100})(\/control|\/log|\/rest\/V1\/(orders|invoices))$/;

const reply = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));

/** Cents as Magento's JSON number: 2500 -> 25, 1250 -> 12.5, 168067 (four places) -> 16.8067. */
const amount = (units: number, places = 2) => Number((units / 10 ** places).toFixed(places));

interface LineSpec {
  sku: string;
  name: string;
  qty: number;
  /** Net unit price in cents, or ten-thousandths with `fine`. */
  price: number;
  fine?: boolean;
  tax: number;
  configurable?: boolean;
}

interface OrderSpec {
  id: number;
  state: string;
  /** Magento's status; default: the state's own (pending for new). */
  status?: string;
  created: string;
  updated: string;
  currency?: string;
  customer: { first: string; last: string; email: string } | null;
  address: Record<string, unknown>;
  lines: LineSpec[];
  shipping?: number;
  shippingTax?: number;
  discount?: number;
  paid?: "all" | "part" | "none";
  invoiced?: boolean;
  refunded?: boolean;
}

const minorOf = (currency: string) => (currency === "JPY" ? 0 : 2);

/** A sales order as `GET /V1/orders` returns it, its totals derived from its lines. */
function magentoOrder(spec: OrderSpec): Item {
  const currency = spec.currency ?? "EUR";
  const places = minorOf(currency);
  const money = (units: number) => amount(units, places);
  let itemId = spec.id * 100;
  let subtotal = 0;
  let tax = 0;
  const items: Record<string, unknown>[] = [];
  for (const line of spec.lines) {
    // Four-place prices are kept in ten-thousandths; the row is rounded to the currency as Magento does.
    const unit = line.fine ? Math.round(line.price / 100) : line.price;
    const row = unit * line.qty;
    const rowTax = Math.round((row * line.tax) / 100);
    subtotal += row;
    tax += rowTax;
    const parent = {
      item_id: ++itemId,
      order_id: spec.id,
      product_id: 5000 + itemId,
      product_type: line.configurable ? "configurable" : "simple",
      sku: line.sku,
      name: line.name,
      qty_ordered: line.qty,
      qty_invoiced: spec.invoiced ? line.qty : 0,
      price: line.fine ? amount(line.price, 4) : money(line.price),
      price_incl_tax: money(Math.round((unit * (100 + line.tax)) / 100)),
      tax_percent: line.tax,
      tax_amount: money(rowTax),
      row_total: money(row),
    };
    items.push(parent);
    if (line.configurable) {
      // The chosen variant: same SKU, no price of its own.
      items.push({
        item_id: ++itemId,
        order_id: spec.id,
        parent_item_id: parent.item_id,
        product_id: 6000 + itemId,
        product_type: "simple",
        sku: line.sku,
        name: `${line.name} (variant)`,
        qty_ordered: line.qty,
        price: 0,
        tax_percent: 0,
        tax_amount: 0,
        row_total: 0,
      });
    }
  }
  const shipping = spec.shipping ?? 0;
  const shippingTax = spec.shippingTax ?? 0;
  const discount = spec.discount ?? 0;
  const grand = subtotal + tax + shipping + shippingTax - discount;
  const paid = spec.paid === "all" ? grand : spec.paid === "part" ? Math.floor(grand / 2) : 0;
  const address = {
    address_type: "billing",
    email: spec.customer?.email ?? `guest-${spec.id}@example.com`,
    ...spec.address,
  };
  return {
    entity_id: spec.id,
    increment_id: String(spec.id).padStart(9, "0"),
    state: spec.state,
    status: spec.status ?? (spec.state === "new" ? "pending" : spec.state),
    store_id: 1,
    created_at: spec.created,
    updated_at: spec.updated,
    order_currency_code: currency,
    base_currency_code: currency,
    customer_email: spec.customer?.email ?? address.email,
    ...(spec.customer
      ? {
          customer_firstname: spec.customer.first,
          customer_lastname: spec.customer.last,
          customer_is_guest: 0,
        }
      : { customer_is_guest: 1 }),
    items,
    billing_address: address,
    extension_attributes: {
      shipping_assignments: [
        {
          shipping: { address: { ...address, address_type: "shipping" }, method: "flatrate_flatrate" },
          items,
        },
      ],
    },
    subtotal: money(subtotal),
    tax_amount: money(tax + shippingTax),
    shipping_amount: money(shipping),
    shipping_tax_amount: money(shippingTax),
    shipping_incl_tax: money(shipping + shippingTax),
    discount_amount: discount > 0 ? -money(discount) : 0,
    grand_total: money(grand),
    total_paid: money(paid),
    total_due: money(grand - paid),
    ...(spec.invoiced && { total_invoiced: money(grand) }),
    ...(spec.refunded && { total_refunded: money(paid) }),
  };
}

function magentoInvoice(id: number, order: Item, state: number, updated: string): Item {
  return {
    entity_id: id,
    increment_id: String(id).padStart(9, "0"),
    order_id: order.entity_id,
    state,
    grand_total: order.grand_total,
    order_currency_code: order.order_currency_code,
    created_at: updated,
    updated_at: updated,
    items: [],
  };
}

const berlin = {
  company: "Muster GmbH",
  street: ["Hauptstraße 5", "Hinterhaus"],
  city: "Berlin",
  postcode: "10115",
  region: "Berlin",
  country_id: "DE",
  telephone: "+49 30 1234567",
};

/** A buyer and their address (Berlin unless given); a guest has no customer, only the billing name. */
const buyer = (
  first: string,
  last: string,
  email: string | null,
  address: Record<string, unknown> = berlin,
) => ({
  customer: email === null ? null : { first, last, email },
  address: { firstname: first, lastname: last, ...address },
});

const at = (day: number, time: string) => `2025-03-0${day} ${time}`;

/** The seven orders of the tests: two pages of four; orders 4 and 5 share one updated_at across the pages. */
function fixtureOrders(): Item[] {
  const specs: OrderSpec[] = [
    {
      id: 1,
      state: "processing",
      created: at(1, "09:00:00"),
      updated: at(1, "10:00:00"),
      ...buyer("Erika", "Mustermann", "erika@example.com"),
      lines: [
        { sku: "SHIRT-M-BLUE", name: "Shirt", qty: 2, price: 2500, tax: 19, configurable: true },
        { sku: "MUG", name: "Mug", qty: 1, price: 1250, tax: 19 },
      ],
      shipping: 490,
      shippingTax: 93,
      discount: 500,
      paid: "all",
      invoiced: true,
    },
    {
      id: 2,
      state: "new",
      created: at(2, "08:00:00"),
      updated: at(2, "08:00:00"),
      ...buyer("Jan", "Jansen", null, {
        street: ["Damrak 1"],
        city: "Amsterdam",
        postcode: "1012 LG",
        country_id: "NL",
        telephone: "+31 20 555 0100",
      }),
      lines: [{ sku: "BOOK", name: "Book", qty: 1, price: 1999, tax: 9 }],
    },
    {
      id: 3,
      state: "complete",
      created: at(3, "09:00:00"),
      updated: at(3, "12:00:00"),
      ...buyer("Ada", "Lovelace", "ada@example.com"),
      lines: [{ sku: "SOCKS", name: "Socks", qty: 3, price: 420, tax: 19 }],
      paid: "all",
      invoiced: true,
    },
    {
      id: 4,
      state: "canceled",
      created: at(4, "09:00:00"),
      updated: at(4, "12:00:00"),
      ...buyer("Max", "Muster", "max@example.com"),
      lines: [{ sku: "LAMP", name: "Lamp", qty: 1, price: 4900, tax: 19 }],
    },
    {
      id: 5,
      state: "processing",
      created: at(4, "10:00:00"),
      updated: at(4, "12:00:00"),
      ...buyer("Grace", "Hopper", "grace@example.com"),
      // 20.00 with tax, as a shop showing gross prices stores it: 16.8067 net.
      lines: [{ sku: "KETTLE", name: "Kettle", qty: 1, price: 168067, fine: true, tax: 19 }],
      paid: "part",
      invoiced: true,
    },
    {
      id: 6,
      state: "closed",
      created: at(5, "09:00:00"),
      updated: at(5, "15:00:00"),
      ...buyer("Alan", "Turing", "alan@example.com"),
      lines: [{ sku: "CHAIR", name: "Chair", qty: 1, price: 8900, tax: 19 }],
      paid: "all",
      invoiced: true,
      refunded: true,
    },
    {
      id: 7,
      state: "holded",
      created: at(6, "09:00:00"),
      updated: at(6, "09:30:00"),
      currency: "JPY",
      ...buyer("Yuki", "Tanaka", "yuki@example.com", {
        street: ["1-1 Chiyoda"],
        city: "Tokyo",
        postcode: "100-0001",
        region: "Tokyo",
        country_id: "JP",
      }),
      lines: [{ sku: "TEA", name: "Tea", qty: 2, price: 1500, tax: 8 }],
    },
  ];
  return specs.map(magentoOrder);
}

function fixtureInvoices(orders: Item[]): Item[] {
  const order = (id: number) => orders.find((o) => o.entity_id === id) as Item;
  return [
    magentoInvoice(101, order(1), 2, "2025-03-01 10:00:00"),
    magentoInvoice(102, order(3), 2, "2025-03-03 11:00:00"),
    magentoInvoice(103, order(4), 3, "2025-03-04 11:00:00"),
    magentoInvoice(104, order(5), 1, "2025-03-04 12:00:00"),
    magentoInvoice(105, order(6), 2, "2025-03-05 10:00:00"),
  ];
}

/** n orders a minute apart from 2025-01-01, every other one invoiced (the bench's store). */
function generatedStore(n: number): { orders: Item[]; invoices: Item[] } {
  const at = (minutes: number) =>
    new Date(Date.UTC(2025, 0, 1) + minutes * 60_000).toISOString().slice(0, 19).replace("T", " ");
  const orders: Item[] = [];
  const invoices: Item[] = [];
  for (let i = 1; i <= n; i++) {
    const invoiced = i % 2 === 0;
    const order = magentoOrder({
      id: i,
      state: invoiced ? "processing" : "new",
      created: at(i),
      updated: at(i),
      ...buyer("Buyer", `No ${i}`, `buyer${i}@example.com`),
      lines: [
        {
          sku: `SKU-${i % 50}`,
          name: `Product ${i % 50}`,
          qty: 1 + (i % 3),
          price: 999 + (i % 7) * 100,
          tax: 19,
        },
        { sku: "MUG", name: "Mug", qty: 1, price: 1250, tax: 19 },
      ],
      shipping: 490,
      shippingTax: 93,
      paid: invoiced ? "all" : "none",
      invoiced,
    });
    orders.push(order);
    if (invoiced) invoices.push(magentoInvoice(100_000 + i, order, 2, at(i)));
  }
  return { orders, invoices };
}

function storeOf(scenario: string): Store {
  let store = stores.get(scenario);
  if (!store) {
    const orders = fixtureOrders();
    store = {
      token: "test-token",
      orders,
      invoices: fixtureInvoices(orders),
      fail: null,
      listed: {},
      log: [],
    };
    stores.set(scenario, store);
  }
  return store;
}

interface Filter {
  field: string;
  value: string;
  condition: string;
}

/** searchCriteria from the query string, as Magento's REST layer reads it. */
function criteriaOf(q: URLSearchParams) {
  const groups = new Map<number, Map<number, Partial<Filter>>>();
  const sorts = new Map<number, { field?: string; direction?: string }>();
  for (const [key, value] of q) {
    const f =
      /^searchCriteria\[filter_groups\]\[(\d+)\]\[filters\]\[(\d+)\]\[(field|value|condition_type)\]$/.exec(
        key,
      );
    if (f) {
      const group = groups.get(Number(f[1])) ?? new Map<number, Partial<Filter>>();
      groups.set(Number(f[1]), group);
      const filter = group.get(Number(f[2])) ?? {};
      group.set(Number(f[2]), filter);
      filter[f[3] === "condition_type" ? "condition" : (f[3] as "field" | "value")] = value;
      continue;
    }
    const s = /^searchCriteria\[sortOrders\]\[(\d+)\]\[(field|direction)\]$/.exec(key);
    if (s) {
      const sort = sorts.get(Number(s[1])) ?? {};
      sorts.set(Number(s[1]), sort);
      sort[s[2] as "field" | "direction"] = value;
    }
  }
  const ordered = <T>(m: Map<number, T>) => [...m.entries()].sort(([a], [b]) => a - b).map(([, v]) => v);
  return {
    groups: ordered(groups).map((g) =>
      ordered(g).map((f) => ({ field: f.field ?? "", value: f.value ?? "", condition: f.condition ?? "eq" })),
    ),
    sorts: ordered(sorts).map((s) => ({
      field: s.field ?? "",
      direction: (s.direction ?? "ASC").toUpperCase(),
    })),
    pageSize: q.has("searchCriteria[pageSize]") ? Number(q.get("searchCriteria[pageSize]")) : null,
    currentPage: Number(q.get("searchCriteria[currentPage]") ?? 1),
  };
}

const compare = (a: unknown, b: string) => {
  const n = Number(b);
  if (typeof a === "number" && b.trim() !== "" && Number.isFinite(n)) return a - n;
  const s = String(a ?? "");
  return s < b ? -1 : s > b ? 1 : 0;
};

/** Magento's condition types, on the comparison of an item's value with the filter's. */
const CONDITIONS: Record<string, (order: number) => boolean> = {
  eq: (c) => c === 0,
  neq: (c) => c !== 0,
  gt: (c) => c > 0,
  gteq: (c) => c >= 0,
  moreq: (c) => c >= 0,
  lt: (c) => c < 0,
  lteq: (c) => c <= 0,
};

function matches(item: Item, f: Filter): boolean {
  const value = item[f.field];
  if (f.condition === "in" || f.condition === "nin") {
    const listed = f.value.split(",").some((v) => compare(value, v.trim()) === 0);
    return f.condition === "in" ? listed : !listed;
  }
  const test = CONDITIONS[f.condition];
  if (!test) throw new Error(`condition_type ${f.condition} is not in the fake`);
  return test(compare(value, f.value));
}

function search(items: Item[], q: URLSearchParams) {
  const criteria = criteriaOf(q);
  const found = items
    .filter((item) => criteria.groups.every((group) => group.some((f) => matches(item, f))))
    .sort((a, b) => {
      for (const { field, direction } of criteria.sorts) {
        const order = compare(a[field], String(b[field] ?? ""));
        if (order !== 0) return direction === "DESC" ? -order : order;
      }
      return 0;
    });
  let page = found;
  if (criteria.pageSize !== null && criteria.pageSize > 0) {
    // Magento answers a page past the last with the last page.
    const last = Math.max(1, Math.ceil(found.length / criteria.pageSize));
    const current = Math.min(Math.max(1, criteria.currentPage), last);
    page = found.slice((current - 1) * criteria.pageSize, current * criteria.pageSize);
  }
  const fields = /^items\[([\w,]+)\]$/.exec(q.get("fields") ?? "")?.[1]?.split(",");
  return {
    items: fields ? page.map((item) => Object.fromEntries(fields.map((f) => [f, item[f]]))) : page,
    search_criteria: {
      filter_groups: criteria.groups.map((filters) => ({ filters })),
      sort_orders: criteria.sorts,
      page_size: criteria.pageSize,
      current_page: criteria.currentPage,
    },
    total_count: found.length,
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : {};
}

function control(store: Store, body: Record<string, any>) {
  if (typeof body.orders === "number") Object.assign(store, generatedStore(body.orders));
  if (typeof body.token === "string") store.token = body.token;
  if (typeof body.fail_on_page === "number") {
    store.fail = { feed: body.feed ?? "orders", countdown: body.fail_on_page };
  }
  if (body.invoice) {
    const order = store.orders.find((o) => o.increment_id === body.invoice.order);
    if (!order) throw new Error(`no order ${body.invoice.order}`);
    const id = 200 + store.invoices.length;
    store.invoices.push(magentoInvoice(id, order, 2, body.invoice.at));
    Object.assign(order, {
      state: "processing",
      status: "processing",
      total_invoiced: order.grand_total,
      total_paid: order.grand_total,
      total_due: 0,
      updated_at: body.invoice.at,
    });
  }
  return { orders: store.orders.length, invoices: store.invoices.length };
}

export async function magentoServer(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const match = PATH.exec(url.pathname);
  if (!match) return false;
  const store = storeOf(match[1] as string);
  const answer = (status: number, body: unknown) => {
    store.log.push({ method: req.method ?? "", path: url.pathname, query: url.search, status });
    reply(res, status, body);
  };
  if (match[2] === "/control" && req.method === "POST") {
    answer(200, control(store, await readJson(req)));
    return true;
  }
  if (match[2] === "/log" && req.method === "GET") {
    reply(res, 200, { requests: store.log });
    return true;
  }
  const feed = match[3];
  if (!feed || req.method !== "GET") {
    answer(405, { message: "Request does not match any route." });
    return true;
  }
  if (req.headers.authorization !== `Bearer ${store.token}`) {
    answer(401, {
      message: "The consumer isn't authorized to access %resources.",
      parameters: { resources: "Magento_Sales::sales" },
    });
    return true;
  }
  // A lookup by entity id is not a page of the feed: it does not count towards fail_on_page.
  const listing = !url.searchParams.has("fields");
  if (listing) store.listed[feed] = (store.listed[feed] ?? 0) + 1;
  if (listing && store.fail?.feed === feed && --store.fail.countdown === 0) {
    store.fail = null;
    answer(500, {
      message: "Internal error. Details are available in Magento log file. Report ID: %1",
      parameters: ["webapi-6f1c"],
    });
    return true;
  }
  answer(200, search(feed === "orders" ? store.orders : store.invoices, url.searchParams));
  return true;
}
