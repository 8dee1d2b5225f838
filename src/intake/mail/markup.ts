// schema.org markup in an HTML body, JSON-LD blocks and microdata alike, read into one shape: a Thing is a
// JSON-LD node ("@type" and properties), so one mapping (schema-org.ts) reads both.
import { elements, type HtmlElement, type HtmlNode, parseHtml, textContent } from "./html";

export type Thing = { [property: string]: unknown };

export interface Markup {
  /** The top-level items: JSON-LD nodes (an @graph's members each) and microdata items. */
  things: Thing[];
  /** What could not be read, for a person: a JSON-LD block that is not JSON. */
  problems: string[];
}

export const isThing = (value: unknown): value is Thing =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const SCHEMA = /^(?:https?:\/\/schema\.org\/|schema:)/i;

/** "http://schema.org/Order", "https://schema.org/Order", "schema:Order" → "Order". */
export const localName = (value: string) => value.trim().replace(SCHEMA, "");

/** A thing's types, by local name: ["Order"]. */
export function typesOf(thing: Thing): string[] {
  const types = thing["@type"];
  return (Array.isArray(types) ? types : [types]).filter((t) => typeof t === "string").map(localName);
}

export const isA = (thing: Thing, type: string) =>
  typesOf(thing).some((t) => t.toLowerCase() === type.toLowerCase());

/** Every value of a property, arrays flattened and {"@value": x} as x; names match whatever their case or prefix. */
export function values(thing: Thing | undefined, property: string): unknown[] {
  if (!thing) return [];
  const wanted = property.toLowerCase();
  const found: unknown[] = [];
  for (const [key, value] of Object.entries(thing)) {
    if (localName(key).toLowerCase() !== wanted) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      const bare = isThing(v) && "@value" in v ? v["@value"] : v;
      if (bare !== null && bare !== undefined) found.push(bare);
    }
  }
  return found;
}

export const node = (thing: Thing | undefined, property: string) => values(thing, property).find(isThing);
export const nodes = (thing: Thing | undefined, property: string) => values(thing, property).filter(isThing);

/** A value as text: a string trimmed, a number as written, a bare reference ({"@id": url}) as its url. */
export function asText(value: unknown): string | undefined {
  if (typeof value === "string") return value.trim() || undefined;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (
    isThing(value) &&
    typeof value["@id"] === "string" &&
    Object.keys(value).every((k) => k.startsWith("@"))
  ) {
    return asText(value["@id"]);
  }
  return undefined;
}

/** A property's first value that reads as text. */
export function text(thing: Thing | undefined, property: string): string | undefined {
  for (const value of values(thing, property)) {
    const read = asText(value);
    if (read !== undefined) return read;
  }
  return undefined;
}

/** What something is called: "DHL" or {"@type": "Organization", "name": "DHL"} (or a Person's given and family name). */
export function nameOf(value: unknown): string | undefined {
  if (!isThing(value)) return asText(value);
  const name = text(value, "name");
  if (name) return name;
  const parts = [text(value, "givenName"), text(value, "familyName")].filter(Boolean);
  return parts.length > 0 ? parts.join(" ") : asText(value);
}

// --- JSON-LD ---

const JSON_LD = /^\s*application\/ld\+json\s*(?:;|$)/i;

/** JSON-LD's top-level nodes: one object, an array of them, or an @graph (nested as deep as it goes). */
function topLevel(value: unknown, into: Thing[]) {
  const pending = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (Array.isArray(next)) pending.push(...[...next].reverse());
    else if (isThing(next)) {
      const graph = next["@graph"];
      if (graph !== undefined) pending.push(graph);
      if (next["@type"] !== undefined) into.push(next);
    }
  }
}

/** References between nodes ({"@id": "#buyer"}) replaced by the node they name, so reading needs no index. */
function link(things: Thing[]) {
  const byId = new Map<string, Thing>();
  for (const thing of things) {
    if (typeof thing["@id"] === "string" && Object.keys(thing).length > 1) byId.set(thing["@id"], thing);
  }
  if (byId.size === 0) return;
  const target = (v: unknown) =>
    isThing(v) && typeof v["@id"] === "string" && Object.keys(v).length === 1
      ? byId.get(v["@id"])
      : undefined;
  const seen = new Set<object>();
  const pending: object[] = [...things];
  while (pending.length > 0) {
    const next = pending.pop() as Record<string, unknown> | unknown[];
    if (seen.has(next)) continue;
    seen.add(next);
    for (const [key, value] of Object.entries(next)) {
      const linked = target(value);
      if (linked) (next as Record<string, unknown>)[key] = linked;
      else if (typeof value === "object" && value !== null) pending.push(value);
    }
  }
}

function readJsonLd(root: HtmlElement, markup: Markup) {
  const found: Thing[] = [];
  for (const element of elements(root)) {
    if (element.tag !== "script" || !JSON_LD.test(element.attrs.type ?? "")) continue;
    const source = textContent(element)
      .trim()
      .replace(/^(?:<!--|<!\[CDATA\[)/, "")
      .replace(/(?:-->|\]\]>)$/, "");
    try {
      topLevel(JSON.parse(source), found);
    } catch (error) {
      markup.problems.push(
        `A JSON-LD block is not valid JSON (${error instanceof Error ? error.message : error}).`,
      );
    }
  }
  link(found);
  markup.things.push(...found);
}

// --- microdata ---

/** Where an element's value is, when it is not its text (the HTML microdata rules). */
const VALUE_ATTRIBUTE: Record<string, string> = {
  meta: "content",
  a: "href",
  area: "href",
  link: "href",
  img: "src",
  audio: "src",
  video: "src",
  source: "src",
  embed: "src",
  iframe: "src",
  track: "src",
  object: "data",
  data: "value",
  meter: "value",
  time: "datetime",
};

function propertyValue(element: HtmlElement): string {
  // Senders put `content` on any element (<td itemprop="price" content="20.00">20,00 €</td>): it wins.
  if (element.attrs.content !== undefined) return element.attrs.content.trim();
  const attribute = VALUE_ATTRIBUTE[element.tag];
  const value = attribute ? element.attrs[attribute] : undefined;
  if (value !== undefined) return value.trim();
  return textContent(element).replace(/\s+/g, " ").trim();
}

/** The item an itemscope element is: its properties from the elements under it, down to nested items. */
function itemOf(scope: HtmlElement): Thing {
  const thing: Thing = {};
  const types = (scope.attrs.itemtype ?? "").split(/\s+/).filter(Boolean).map(localName);
  if (types.length > 0) thing["@type"] = types;
  if (scope.attrs.itemid) thing["@id"] = scope.attrs.itemid;
  const pending: HtmlNode[] = [...scope.children].reverse();
  while (pending.length > 0) {
    const element = pending.pop() as HtmlNode;
    if (typeof element === "string") continue;
    const isScope = "itemscope" in element.attrs;
    const names = (element.attrs.itemprop ?? "").split(/\s+/).filter(Boolean);
    if (names.length > 0) {
      const value = isScope ? itemOf(element) : propertyValue(element);
      for (const name of names) {
        const key = localName(name);
        if (key === "__proto__") continue;
        thing[key] = [...((thing[key] as unknown[] | undefined) ?? []), value];
      }
    }
    if (!isScope)
      for (let i = element.children.length - 1; i >= 0; i--) pending.push(element.children[i] as HtmlNode);
  }
  return thing;
}

function readMicrodata(root: HtmlElement, markup: Markup) {
  // Top-level items: every itemscope that is no other item's property, or that stands inside no item.
  const pending: [HtmlNode, boolean][] = root.children.map((c): [HtmlNode, boolean] => [c, false]).reverse();
  while (pending.length > 0) {
    const [element, insideItem] = pending.pop() as [HtmlNode, boolean];
    if (typeof element === "string") continue;
    const isScope = "itemscope" in element.attrs;
    if (isScope && (!insideItem || !("itemprop" in element.attrs))) markup.things.push(itemOf(element));
    for (let i = element.children.length - 1; i >= 0; i--) {
      pending.push([element.children[i] as HtmlNode, insideItem || isScope]);
    }
  }
}

/** The schema.org items in an HTML body. */
export function readMarkup(html: string): Markup {
  const markup: Markup = { things: [], problems: [] };
  const root = parseHtml(html);
  readJsonLd(root, markup);
  readMicrodata(root, markup);
  return markup;
}
