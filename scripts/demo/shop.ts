// The demo shop, Harbour Coffee Co., seeded through ROMS's HTTP API only (so every rule applies): people,
// catalog with images and EAN-13 barcodes, stock in a warehouse and a shop, customers, orders in every state,
// chat and ledger. `npm run demo` runs it against `wrangler dev`; test/demo.test.ts through the Worker's fetch.
// It imports only types, so Node's type stripping and vitest both load it as it is; the catalog comes in.
import type { DemoCatalog } from "./catalog.ts";

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;
export interface DemoLogin {
  role: string;
  name: string;
  email: string;
  password: string;
}
export interface DemoShop {
  logins: DemoLogin[];
  /** The webshop's intake key (orders:read, orders:write). */
  apiKey: string;
  orders: { number: string; status: string; source: string }[];
  products: number;
}

interface Ref {
  id: string;
}
interface Order extends Ref {
  number: string;
  status: string;
  source: string;
  totals: { total: { amount: number } };
  lines: (Ref & { fill: string; substitutes: string[] })[];
}

const DOMAIN = "harbour-coffee.test";

/** One caller of the API: JSON in and out, any answer outside `ok` is an error that says what was refused. */
function caller(http: FetchLike, base: string, token?: string) {
  const send = async <T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const bytes = body instanceof Uint8Array;
    const res = await http(`${base}/api/v1${path}`, {
      method,
      headers: {
        ...(token && { authorization: `Bearer ${token}` }),
        ...(body !== undefined && { "content-type": bytes ? "image/png" : "application/json" }),
        ...headers,
      },
      ...(body !== undefined && { body: bytes ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`demo: ${method} ${path} answered ${res.status}: ${text.slice(0, 400)}`);
    return (text ? JSON.parse(text) : null) as T;
  };
  /** POSTs that create money or stock carry an Idempotency-Key, as a real client's would. */
  const once = <T>(path: string, body: unknown, key: string) =>
    send<T>("POST", path, body, { "idempotency-key": `demo:${key}` });
  return {
    get: <T>(path: string) => send<T>("GET", path),
    post: <T>(path: string, body?: unknown) => send<T>("POST", path, body),
    put: <T>(path: string, body: unknown) => send<T>("PUT", path, body),
    patch: <T>(path: string, body: unknown) => send<T>("PATCH", path, body),
    once,
    move: (order: Ref, to: string, note?: string) =>
      send<Order>("POST", `/orders/${order.id}/transitions`, { to, ...(note && { note }) }),
    say: (order: Ref, body: string) => send("POST", `/orders/${order.id}/messages`, { body }),
  };
}
type Caller = ReturnType<typeof caller>;

/**
 * Seeds the demo shop as `owner` (an admin who can already sign in) through `http` at `base` (the origin,
 * e.g. http://127.0.0.1:8787). Returns the sign-ins it made, with their generated passwords.
 */
export async function seedDemoShop(options: {
  http: FetchLike;
  base: string;
  owner: { email: string; password: string; name?: string };
  /** Harbour Coffee's (catalog.ts): the orders below name its SKUs. */
  catalog: DemoCatalog;
  log?: (line: string) => void;
}): Promise<DemoShop> {
  const { http, base, owner, catalog } = options;
  const log = options.log ?? (() => {});
  const signIn = async (email: string, password: string) => {
    const pair = await caller(http, base).post<{ access_token: string }>("/auth/login", { email, password });
    return caller(http, base, pair.access_token);
  };
  const admin = await signIn(owner.email, owner.password);
  const logins: DemoLogin[] = [{ role: "admin", name: owner.name ?? "Owner", ...owner }];
  const person = async (role: string, name: string, email: string, customerId?: string) => {
    const user = await admin.post<{ password: string }>("/users", {
      email,
      name,
      role,
      ...(customerId && { customer_id: customerId }),
    });
    logins.push({ role, name, email, password: user.password });
    return signIn(email, user.password);
  };

  const manager = await person("manager", "Jonas Berg", `jonas@${DOMAIN}`);
  const staff = await person("staff", "Priya Nair", `priya@${DOMAIN}`);
  const vendor = await person("vendor", "Parcel Partners dispatch", "dispatch@parcel-partners.test");
  const webshop = await admin.post<{ key: string }>("/api-keys", {
    name: "Webshop (order intake)",
    scopes: ["orders:read", "orders:write"],
  });
  log(`people: ${logins.length} staff sign-ins and the webshop's API key`);

  const sku = await stockCatalog(manager, catalog);
  const categories = Object.keys(catalog.categories).length;
  log(`catalog: ${catalog.products.length} products in ${categories} categories, with images and barcodes`);
  await stock(manager, catalog, sku);
  log("stock: a warehouse and a shop, with low-stock thresholds");

  const customers = [];
  for (const [company, contact, email, city] of [
    ["Cafe Mondstein", "Lena Vogel", "lena@cafe-mondstein.test", "Hamburg"],
    ["Northside Office GmbH", "Emre Kaya", "facilities@northside-office.test", "Bremen"],
    ["Studio Bakery", "Sofie Lund", "sofie@studio-bakery.test", "Kiel"],
  ] as const) {
    const address = { line1: "Hafenstrasse 12", city, postal_code: "20459", country: "DE" };
    const customer = await manager.post<Ref>("/customers", {
      company,
      contact_name: contact,
      email,
      billing_address: address,
      shipping_address: address,
      credit_limit: { amount: 250_000, currency: "EUR" },
    });
    customers.push({ ...customer, company, api: await person("customer", contact, email, customer.id) });
  }
  log(`customers: ${customers.map((c) => c.company).join(", ")}, each with a customer user`);

  const webshopApi = caller(http, base, webshop.key);
  const orders = await placeOrders({ manager, staff, vendor, webshop: webshopApi }, customers, catalog, sku);
  log(`orders: ${orders.length}, from carts, the webshop's intake and purchases, with chat and ledger`);
  return {
    logins,
    apiKey: webshop.key,
    orders: orders.map((o) => ({ number: o.number, status: o.status, source: o.source })),
    products: catalog.products.length,
  };
}

/** Categories, then each product with its barcode and image; published unless it is a draft. */
async function stockCatalog(manager: Caller, catalog: DemoCatalog): Promise<Record<string, Ref>> {
  const categories: Record<string, string> = {};
  for (const [key, c] of Object.entries(catalog.categories)) {
    categories[key] = (await manager.post<Ref>("/categories", { name: c.name })).id;
  }
  const bySku: Record<string, Ref> = {};
  for (const p of catalog.products) {
    const product = await manager.post<Ref>("/products", {
      sku: p.sku,
      name: p.name,
      description: `${p.name}. Sold by Harbour Coffee Co.`,
      category_id: categories[p.category],
      price: { amount: p.price, currency: "EUR" },
      tax_rate_bp: catalog.categories[p.category]?.tax,
      attributes: p.attributes,
      barcodes: [{ barcode: p.barcode, kind: "ean13" }],
    });
    await manager.put(`/products/${product.id}/image`, await catalog.image(p));
    if (!p.draft) await manager.post(`/products/${product.id}/publish`);
    bySku[p.sku] = product;
  }
  return bySku;
}

/** Opening stock at the warehouse, some moved on to the shop, a breakage, a count and low-stock thresholds. */
async function stock(manager: Caller, catalog: DemoCatalog, sku: Record<string, Ref>) {
  const warehouse = await manager.post<Ref>("/inventory/locations", {
    name: "Central Warehouse",
    kind: "warehouse",
  });
  const shop = await manager.post<Ref>("/inventory/locations", { name: "Harbour Street Shop", kind: "shop" });
  const product = (code: string) => (sku[code] as Ref).id;
  for (const { sku: code, warehouse: received, shop: toShop } of catalog.products) {
    if (received === 0) continue;
    const level = { product_id: product(code), location_id: warehouse.id };
    await manager.once(
      "/inventory/adjustments",
      { ...level, delta: received, kind: "receive", reason: "Opening stock" },
      `receive:${code}`,
    );
    if (toShop > 0) {
      const transfer = { product_id: product(code), from_location_id: warehouse.id, to_location_id: shop.id };
      await manager.once(
        "/inventory/transfers",
        { ...transfer, quantity: toShop, reason: "Shop shelves" },
        `transfer:${code}`,
      );
    }
  }
  const mugs = { product_id: product("HC-CUP-MUG"), location_id: warehouse.id };
  await manager.once(
    "/inventory/adjustments",
    { ...mugs, delta: -2, kind: "damage", reason: "Broken in transit" },
    "damage:mugs",
  );
  const ethiopia = await manager.get<{ version: number }>(
    `/inventory/levels/${product("HC-BEAN-ETH")}/${shop.id}`,
  );
  await manager.once(
    "/inventory/counts",
    {
      product_id: product("HC-BEAN-ETH"),
      location_id: shop.id,
      counted: 5,
      expected_version: ethiopia.version,
    },
    "count:ethiopia",
  );
  for (const [code, location, threshold] of [
    ["HC-BEAN-DECAF", warehouse, 15],
    ["HC-GEAR-KETTLE", warehouse, 10],
    ["HC-GEAR-GRINDER", warehouse, 3],
    ["HC-BEAN-HOUSE", shop, 10],
    ["HC-CUP-ESPRESSO", shop, 6],
  ] as const) {
    await manager.put(`/inventory/levels/${product(code)}/${location.id}/threshold`, {
      low_stock_threshold: threshold,
    });
  }
}

type Customer = Ref & { company: string; api: Caller };

/** Orders in every state: from carts, through the webshop's intake and purchases, moved by the right people. */
async function placeOrders(
  { manager, staff, vendor, webshop }: Record<"manager" | "staff" | "vendor" | "webshop", Caller>,
  [mondstein, northside, bakery]: Customer[],
  catalog: DemoCatalog,
  sku: Record<string, Ref>,
): Promise<Order[]> {
  if (!mondstein || !northside || !bakery) throw new Error("demo: three customers expected");
  const id = (code: string) => (sku[code] as Ref).id;
  /** An intake line for a catalog product, at its price unless a purchase price is given. */
  const line = (code: string, quantity: number, unitPrice?: number) => {
    const p = catalog.products.find((product) => product.sku === code);
    if (!p) throw new Error(`demo: no product ${code}`);
    const tax_rate_bp = catalog.categories[p.category]?.tax ?? 0;
    return { sku: code, name: p.name, quantity, unit_price: unitPrice ?? p.price, tax_rate_bp };
  };
  let carts = 0;
  const fromCart = async (customer: Customer, lines: [string, number, string?][], notes: string) => {
    for (const [code, quantity, substitute] of lines) {
      await customer.api.post("/cart/lines", {
        product_id: id(code),
        quantity,
        ...(substitute && { substitutes: [id(substitute)] }),
      });
    }
    return customer.api.once<Order>("/orders/from-cart", { notes }, `cart:${++carts}`);
  };
  const intake = async (api: Caller, ref: string, body: Record<string, unknown>) =>
    (await api.once<{ order: Order }>("/orders/intake", { external_ref: ref, currency: "EUR", ...body }, ref))
      .order;
  const ship = async (api: Caller, order: Ref, carrier: string, number: string) => {
    const url = `https://tracking.example/${carrier.toLowerCase()}/${number}`;
    await api.patch(`/orders/${order.id}`, { tracking: { carrier, number, url } });
    return api.move(order, "shipped");
  };

  // Sales from customers' carts: in stock goes straight to picking.
  const weekly = await fromCart(
    mondstein,
    [
      ["HC-BEAN-HOUSE", 6],
      ["HC-CUP-ESPRESSO", 12],
    ],
    "Weekly restock",
  );
  await ship(staff, weekly, "DHL", "00340434161094042557");
  await staff.move(weekly, "delivered", "Signed for by L. Vogel");
  await manager.patch(`/orders/${weekly.id}`, { payment_status: "paid" });
  const kitchen = await fromCart(
    northside,
    [
      ["HC-GEAR-FILTERS", 10],
      ["HC-CUP-MUG", 8],
    ],
    "3rd floor kitchen",
  );
  await ship(staff, kitchen, "UPS", "1Z999AA10123456784");
  const pourOver = await fromCart(
    bakery,
    [
      ["HC-GEAR-KETTLE", 2],
      ["HC-GEAR-DRIPPER", 2],
    ],
    "Pour-over bar",
  );

  // More than any location holds, and nothing alike in stock: at risk.
  const opening = await fromCart(mondstein, [["HC-CUP-ESPRESSO", 60]], "Second cafe opens on the 15th");
  await mondstein.api.say(
    opening,
    "We open our second cafe on the 15th and need 60 espresso cups. Can you make it?",
  );
  await staff.say(
    opening,
    "We have 24 today and more due from the supplier next week; we will confirm by Friday.",
  );

  // Sold out, with a substitute in stock: waiting for the customer, who may pick it.
  const grinder = await fromCart(northside, [["HC-GEAR-HANDGRIND", 1, "HC-GEAR-GRINDER"]], "Office grinder");
  await staff.say(grinder, "The hand grinder is sold out until January; the electric one is in stock. Swap?");
  await northside.api.say(grinder, "Sounds good, checking the budget with finance first.");
  const swapped = await fromCart(
    bakery,
    [
      ["HC-GEAR-HANDGRIND", 1, "HC-GEAR-GRINDER"],
      ["HC-GEAR-FILTERS", 2],
    ],
    "",
  );
  const short = swapped.lines.find((l) => l.fill === "short");
  if (short?.substitutes[0]) {
    await bakery.api.post(`/orders/${swapped.id}/lines/${short.id}/substitute`, {
      product_id: short.substitutes[0],
    });
  }

  // Ordered twice by mistake: the shop cancels (customers may cancel only before picking), stock is released.
  const twice = await fromCart(mondstein, [["HC-CUP-TOGO", 4]], "Market stall");
  await mondstein.api.say(twice, "Please cancel this one, we ordered the to-go cups twice by mistake.");
  await staff.move(twice, "cancelled", "Customer ordered twice");
  await staff.say(twice, "Cancelled, nothing will ship.");

  // The webshop's orders through intake (its API key); the fulfilment partner ships one.
  const web = { source: "webshop", kind: "sale", shipping: 490 };
  const ws1 = await intake(webshop, "WS-10481", {
    ...web,
    customer_id: bakery.id,
    lines: [line("HC-BEAN-ETH", 2), line("HC-CUP-MUG", 1)],
    payment_status: "paid",
  });
  await ship(vendor, ws1, "DPD", "01234567890123");
  await vendor.move(ws1, "delivered");
  await intake(webshop, "WS-10482", {
    ...web,
    lines: [line("HC-BEAN-COL", 3)],
    notes: "Guest: M. Keller, Luebeck",
  });
  const ws3 = await intake(webshop, "WS-10483", { ...web, lines: [line("HC-GEAR-SCALE", 1)] });
  await manager.move(ws3, "cancelled", "Payment was not completed");

  // Purchases from retailers (intake with the manager's token): one open, one received.
  const purchase = { source: "supplier", kind: "purchase" };
  await intake(manager, "AR-2026-1187", {
    ...purchase,
    merchant: "Alto Roasters",
    lines: [line("HC-BEAN-HOUSE", 40, 1400), line("HC-BEAN-DECAF", 20, 950)],
  });
  const metro = await intake(manager, "MCC-558201", {
    ...purchase,
    merchant: "Metro Cash & Carry",
    lines: [line("HC-GEAR-FILTERS", 100, 310)],
  });
  for (const to of ["picking", "shipped", "delivered"]) await manager.move(metro, to);

  // The customers' ledgers: invoices for what was delivered or shipped, payments, one mistake reversed.
  const entry = (customer: Customer, key: string, direction: string, amount: number, rest: object) =>
    manager.once<Ref>(
      `/customers/${customer.id}/ledger`,
      { direction, amount: { amount, currency: "EUR" }, ...rest },
      `ledger:${key}`,
    );
  const invoice = (order: Order) => ({ reference_type: "order", reference_id: order.number });
  await entry(mondstein, "weekly", "debit", weekly.totals.total.amount, invoice(weekly));
  await entry(mondstein, "weekly-paid", "credit", weekly.totals.total.amount, {
    reference_type: "payment",
    note: "Bank transfer",
  });
  await entry(mondstein, "workshop", "debit", 18_000, {
    reference_type: "manual",
    note: "Barista workshop, 2 seats",
  });
  await entry(northside, "kitchen", "debit", kitchen.totals.total.amount, invoice(kitchen));
  const doubled = await entry(
    northside,
    "kitchen-twice",
    "debit",
    kitchen.totals.total.amount,
    invoice(kitchen),
  );
  await manager.once(
    `/customers/${northside.id}/ledger/${doubled.id}/reverse`,
    { note: "Entered twice" },
    "reverse",
  );
  await entry(bakery, "pour-over", "debit", pourOver.totals.total.amount, invoice(pourOver));
  await entry(bakery, "deposit", "credit", 5_000, { reference_type: "payment", note: "Deposit" });

  return (await manager.get<{ items: Order[] }>("/orders?limit=100")).items;
}
