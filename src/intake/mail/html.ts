// A small, forgiving HTML reader for mail: enough of the HTML parsing rules to find markup (script blocks,
// itemscope trees) and to reduce a body to text. Linear in the input, never throws, never recurses deeper
// than MAX_DEPTH elements.
export interface HtmlElement {
  tag: string;
  attrs: Record<string, string>;
  children: HtmlNode[];
}
export type HtmlNode = HtmlElement | string;

/** Elements nested deeper than this are read as siblings of the last one kept: no stack is exhausted. */
const MAX_DEPTH = 256;

const VOID = new Set(
  "area base br col embed hr img input link meta source track wbr basefont bgsound frame keygen param".split(
    " ",
  ),
);
/** Their content is text up to their own end tag; script and style content is not even entity-decoded. */
const RAW = new Set(["script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title"]);
const UNDECODED = new Set(["script", "style", "xmp", "iframe", "noembed", "noframes"]);
/** A start tag of the key closes an open element of the listed tags first (the parts of the rules mail needs). */
const CLOSES: Record<string, string[]> = {
  li: ["li"],
  dt: ["dt", "dd"],
  dd: ["dt", "dd"],
  p: ["p"],
  tr: ["td", "th", "tr"],
  td: ["td", "th"],
  th: ["td", "th"],
  option: ["option"],
};

// Latin-1 names (U+00A0 to U+00FF in order), then the typographic ones mail uses.
const LATIN1 =
  "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml";
const ENTITIES = new Map<string, string>([
  ...LATIN1.split(" ").map((name, i): [string, string] => [name, String.fromCharCode(0xa0 + i)]),
  ["amp", "&"],
  ["lt", "<"],
  ["gt", ">"],
  ["quot", '"'],
  ["apos", "'"],
  ["ndash", "–"],
  ["mdash", "—"],
  ["lsquo", "‘"],
  ["rsquo", "’"],
  ["sbquo", "‚"],
  ["ldquo", "“"],
  ["rdquo", "”"],
  ["bdquo", "„"],
  ["laquo", "«"],
  ["raquo", "»"],
  ["lsaquo", "‹"],
  ["rsaquo", "›"],
  ["bull", "•"],
  ["hellip", "…"],
  ["euro", "€"],
  ["trade", "™"],
  ["thinsp", "\u2009"],
  ["ensp", "\u2002"],
  ["emsp", "\u2003"],
  ["zwnj", "\u200c"],
  ["zwj", "\u200d"],
  ["OElig", "Œ"],
  ["oelig", "œ"],
  ["Scaron", "Š"],
  ["scaron", "š"],
  ["Yuml", "Ÿ"],
  ["dagger", "†"],
  ["Dagger", "‡"],
  ["permil", "‰"],
]);

/** "&amp;", "&#228;", "&#xE4;" and the names above decoded; anything else is left as written. */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  // Without its ";" a reference ends at anything but "=" or a letter or digit ("?a=1&copy=2" stays as it is).
  return text.replace(
    /&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31})(?:;|(?![=A-Za-z0-9]))/g,
    (whole, name) => {
      if (name.startsWith("#")) {
        const code =
          name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
        return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
          ? String.fromCodePoint(code)
          : "\ufffd";
      }
      return ENTITIES.get(name) ?? whole;
    },
  );
}

/** The attributes of a start tag's inside ("a=1 b='2' c"), names lower-cased, values decoded. */
function readAttributes(source: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const pattern = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
  for (const m of source.matchAll(pattern)) {
    const name = (m[1] as string).toLowerCase();
    if (name in attrs) continue; // the first of repeated attributes wins
    attrs[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? "");
  }
  return attrs;
}

/** The end of a tag that starts at `from` ("<a href='>'>"), skipping quoted values; -1 when it never ends. */
function tagEnd(html: string, from: number): number {
  let quote = "";
  for (let i = from; i < html.length; i++) {
    const c = html[i];
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") {
      // A quote only opens a value right after "=" (possibly spaced): elsewhere it is a stray character.
      if (/=\s*$/.test(html.slice(Math.max(from, i - 8), i))) quote = c;
    } else if (c === ">") {
      return i;
    }
  }
  return -1;
}

/** The HTML as a tree under a "#root" element. */
export function parseHtml(html: string): HtmlElement {
  const root: HtmlElement = { tag: "#root", attrs: {}, children: [] };
  const stack: HtmlElement[] = [root];
  const top = () => stack[stack.length - 1] as HtmlElement;
  const addText = (text: string) => {
    if (text) top().children.push(decodeEntities(text));
  };
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf("<", i);
    if (lt < 0) {
      addText(html.slice(i));
      break;
    }
    addText(html.slice(i, lt));
    if (html.startsWith("<!--", lt)) {
      const end = html.indexOf("-->", lt + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    const next = html[lt + 1] ?? "";
    if (next === "!" || next === "?") {
      const end = html.indexOf(">", lt);
      i = end < 0 ? html.length : end + 1;
      continue;
    }
    if (next === "/") {
      const end = html.indexOf(">", lt);
      const name = /^[^\s/>]+/.exec(html.slice(lt + 2, end < 0 ? undefined : end))?.[0]?.toLowerCase();
      const open = name ? stack.findLastIndex((e) => e.tag === name) : -1;
      if (open > 0) stack.length = open; // an end tag with no open element is ignored
      i = end < 0 ? html.length : end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(next)) {
      addText("<");
      i = lt + 1;
      continue;
    }
    const end = tagEnd(html, lt + 1);
    if (end < 0) break; // a tag cut off at the end of the input
    const inside = html.slice(lt + 1, end);
    const tag = (/^[^\s/>]+/.exec(inside)?.[0] ?? "").toLowerCase();
    const element: HtmlElement = { tag, attrs: readAttributes(inside.slice(tag.length)), children: [] };
    i = end + 1;
    const closes = CLOSES[tag];
    if (closes?.includes(top().tag)) stack.pop();
    if (tag === "tr" && top().tag === "tr") stack.pop();
    top().children.push(element);
    if (RAW.has(tag)) {
      const closing = new RegExp(`</${tag}`, "gi");
      closing.lastIndex = i;
      const close = closing.exec(html)?.index ?? -1;
      const text = html.slice(i, close < 0 ? html.length : close);
      if (text) element.children.push(UNDECODED.has(tag) ? text : decodeEntities(text));
      const after = close < 0 ? -1 : html.indexOf(">", close);
      i = after < 0 ? html.length : after + 1;
      continue;
    }
    if (!VOID.has(tag) && !inside.endsWith("/") && stack.length < MAX_DEPTH) stack.push(element);
  }
  return root;
}

/** Every element under `node`, in document order (iteratively: deep trees do not exhaust the stack). */
export function* elements(node: HtmlElement): Generator<HtmlElement> {
  const pending: HtmlNode[] = [...node.children].reverse();
  while (pending.length > 0) {
    const next = pending.pop() as HtmlNode;
    if (typeof next === "string") continue;
    yield next;
    for (let i = next.children.length - 1; i >= 0; i--) pending.push(next.children[i] as HtmlNode);
  }
}

/** The text inside an element, as written (script and style included, as textContent has it). */
export function textContent(node: HtmlNode): string {
  if (typeof node === "string") return node;
  let text = "";
  const pending: HtmlNode[] = [node];
  while (pending.length > 0) {
    const next = pending.pop() as HtmlNode;
    if (typeof next === "string") text += next;
    else for (let i = next.children.length - 1; i >= 0; i--) pending.push(next.children[i] as HtmlNode);
  }
  return text;
}

const BLOCK = new Set(
  "address article aside blockquote br dd div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody thead tfoot tr ul".split(
    " ",
  ),
);
const HIDDEN = new Set(["script", "style", "head", "title", "template", "noscript"]);

/**
 * A body as a person reads it: blocks and table rows on lines of their own, table cells apart by a tab,
 * runs of white space as one space. What templates' patterns read when a message has no text part.
 */
export function htmlToText(html: string): string {
  const out: string[] = [];
  type Step = HtmlNode | { close: string };
  const pending: Step[] = [parseHtml(html)];
  while (pending.length > 0) {
    const step = pending.pop() as Step;
    if (typeof step === "string") {
      out.push(step.replace(/[ \t\r\n\f]+/g, " "));
    } else if ("close" in step) {
      if (BLOCK.has(step.close)) out.push("\n");
    } else if (!HIDDEN.has(step.tag)) {
      if (BLOCK.has(step.tag)) out.push("\n");
      if (step.tag === "td" || step.tag === "th") out.push("\t");
      pending.push({ close: step.tag });
      for (let i = step.children.length - 1; i >= 0; i--) pending.push(step.children[i] as HtmlNode);
    }
  }
  return out
    .join("")
    .split("\n")
    .map((line) => line.replace(/^[ \t]+|[ \t]+$/g, "").replace(/ *\t */g, "\t"))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
