// What the demo shop, Harbour Coffee Co., sells: categories, products with their EAN-13 barcodes and opening
// stock, and a small PNG tile per product, made here (no image files in the repository, nothing downloaded).
// No imports, so Node's type stripping and vitest both load it as it is.

export interface DemoCategory {
  name: string;
  /** VAT in basis points (700 = 7 %, food; 1900 = 19 %). */
  tax: number;
  /** The tile's background. */
  tile: string;
}
export interface DemoProduct {
  sku: string;
  name: string;
  category: string;
  /** EUR cents. */
  price: number;
  /** The disc on the product's tile. */
  colour: string;
  /** Received at the warehouse, and how many of those go on to the shop. */
  warehouse: number;
  shop: number;
  attributes: Record<string, string | number>;
  /** Drafts are not published (customers and the public do not see them). */
  draft?: boolean;
  barcode: string;
}
export interface DemoCatalog {
  categories: Record<string, DemoCategory>;
  products: DemoProduct[];
  image(product: DemoProduct): Promise<Uint8Array>;
}

/** EAN-13 from 12 digits: GS1 weights 1,3,1,3… from the left. Prefix 20-29 is for a shop's own numbers. */
export function ean13(data: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(data[i]) * (i % 2 === 0 ? 1 : 3);
  return `${data}${(10 - (sum % 10)) % 10}`;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

const rgb = (hex: string) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));

/** A 96x96 PNG: a disc of one colour on another. zlib by CompressionStream, in Node and workerd alike. */
export async function productTile(background: string, disc: string): Promise<Uint8Array> {
  const size = 96;
  const stride = 1 + size * 3;
  const raw = new Uint8Array(size * stride); // each row: filter byte 0 (none), then RGB
  const [bg, fg] = [rgb(background), rgb(disc)];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      raw.set((x - 47.5) ** 2 + (y - 47.5) ** 2 < 900 ? fg : bg, y * stride + 1 + x * 3);
    }
  }
  const deflated = new Blob([raw]).stream().pipeThrough(new CompressionStream("deflate"));
  const header = new Uint8Array(13);
  new DataView(header.buffer).setUint32(0, size);
  new DataView(header.buffer).setUint32(4, size);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, truecolour, no interlace
  const parts = [
    new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", new Uint8Array(await new Response(deflated).arrayBuffer())),
    pngChunk("IEND", new Uint8Array()),
  ];
  const png = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    png.set(part, at);
    at += part.length;
  }
  return png;
}

const categories: Record<string, DemoCategory> = {
  coffee: { name: "Coffee", tax: 700, tile: "#5b3a29" },
  brewing: { name: "Brewing gear", tax: 1900, tile: "#2f4858" },
  cups: { name: "Cups & mugs", tax: 1900, tile: "#8a5a83" },
};

type Row = Omit<DemoProduct, "barcode">;
/** A row maker per category: the attribute that tells its products apart (for "similar products"). */
const row =
  (category: string, attribute: string) =>
  (
    sku: string,
    name: string,
    price: number,
    colour: string,
    stock: [number, number],
    value: string | number,
  ) =>
    ({
      sku,
      name,
      category,
      price,
      colour,
      warehouse: stock[0],
      shop: stock[1],
      attributes: { [attribute]: value },
    }) as Row;
const coffee = row("coffee", "roast");
const gear = row("brewing", "material");
const cup = row("cups", "volume_ml");

/**
 * Fifteen products, two of them drafts. The stock is chosen so that the demo's orders land where they should:
 * the hand grinder is sold out (never received), no location holds 60 of any cup.
 */
const rows: Row[] = [
  coffee("HC-BEAN-HOUSE", "House Blend Espresso, 1 kg", 2490, "#c8a27a", [40, 8], "medium"),
  coffee("HC-BEAN-ETH", "Ethiopia Yirgacheffe Filter, 250 g", 1190, "#e0b56c", [30, 6], "light"),
  coffee("HC-BEAN-COL", "Colombia Huila Filter, 250 g", 1090, "#b5835a", [25, 0], "light"),
  coffee("HC-BEAN-DECAF", "Swiss Water Decaf, 500 g", 1690, "#9c7b5b", [12, 0], "medium"),
  { ...coffee("HC-BEAN-WINTER", "Winter Blend 2026, 500 g", 1790, "#7a2e2e", [0, 0], "dark"), draft: true },
  gear("HC-GEAR-HANDGRIND", "Hand Grinder, conical burr", 8900, "#9aa5b1", [0, 0], "steel"),
  gear("HC-GEAR-GRINDER", "Electric Grinder, 40 mm burr", 14900, "#3e4c59", [5, 0], "steel"),
  gear("HC-GEAR-DRIPPER", "Pour-over Dripper, ceramic", 2490, "#f0e6d6", [18, 0], "ceramic"),
  gear("HC-GEAR-FILTERS", "Paper Filters, 100 pcs", 590, "#f7f3ea", [60, 10], "paper"),
  gear("HC-GEAR-KETTLE", "Gooseneck Kettle, 1 l", 5490, "#1f2933", [8, 0], "steel"),
  gear("HC-GEAR-SCALE", "Brewing Scale with Timer", 3990, "#52606d", [10, 0], "plastic"),
  { ...gear("HC-GEAR-COLDBREW", "Cold Brew Bottle, 1 l", 2990, "#a3c4dc", [0, 0], "glass"), draft: true },
  cup("HC-CUP-ESPRESSO", "Espresso Cup & Saucer", 890, "#fdfdfd", [36, 12], 80),
  cup("HC-CUP-MUG", "Stoneware Mug, harbour blue", 1490, "#2b6cb0", [24, 6], 350),
  cup("HC-CUP-TOGO", "Reusable To-go Cup", 1290, "#6b8e23", [30, 6], 350),
];

export const harbourCoffee: DemoCatalog = {
  categories,
  products: rows.map((row, i) => ({ ...row, barcode: ean13(`2047110${String(i + 1).padStart(5, "0")}`) })),
  image: (product) => productTile(categories[product.category]?.tile ?? "#888888", product.colour),
};
