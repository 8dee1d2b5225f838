// The mends the console's bundle takes in hono/jsx/dom's render.js (hono 4.13.19, the newest release), as an
// esbuild plugin: scripts/assets.mjs builds the console with it, and test/console/renderer.test.ts builds its
// own page with it to show in Chromium that each mend holds. The build fails when the code a mend replaces
// is not there as written, so an upgrade of hono is looked at (is it fixed upstream?) rather than patched
// blindly.

import { readFile } from "node:fs/promises";

/** Source text to a pattern that matches it with any whitespace (or none) between its tokens. */
const loosely = (code) =>
  new RegExp(
    code
      .trim()
      .split(/\s+/)
      .map((token) => token.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join("\\s*"),
  );

export const MENDS = [
  {
    name: "keep removed components removed",
    why:
      "updateSync clears an unmounted component's removed mark on the first update queued for it, so a " +
      "second update draws its old DOM again (a screen left behind reappears under the next one when both " +
      "were scheduled in one batch).",
    edits: [{ flawed: "if (node.a) { delete node.a; return; }", mended: "if (node.a) return;" }],
  },
  {
    name: "leave a component's nodes where they stand",
    why:
      "When a component updates itself and something follows it in its parent, each of its nodes is put " +
      "back before that next node, unless it is the one just before it: a component that draws more than " +
      "one node (a fragment) has all but its last taken out and put back on every update. Taking a node out " +
      "blurs what has the focus inside it, so typing into a form of such a component lost the focus, and " +
      "the keys typed, whenever it redrew (the stock screen on every live movement). Now the longest run of " +
      "its nodes already in the right order stays where it is (the one holding the focus among them), and " +
      "only the others are put in place, from the last to the first, as keyed lists are reconciled " +
      "elsewhere. The same goes for a component with nothing after it, whose nodes hono also moved when it " +
      "reuses one element for another (a paragraph shown first for one shown last).",
    edits: [
      {
        flawed: "const cancelBuild = Symbol();",
        mended: `// Which of the nodes to keep where they are: the longest run already in order (the longest rising
        // subsequence of their places in the parent; -1 for a node not in it yet).
        const staying = (at) => {
          const ends = [];
          const before = [];
          for (let i = 0; i < at.length; i++) {
            if (at[i] < 0) continue;
            let lo = 0;
            let hi = ends.length;
            while (lo < hi) {
              const mid = (lo + hi) >> 1;
              if (at[ends[mid]] < at[i]) lo = mid + 1;
              else hi = mid;
            }
            before[i] = lo > 0 ? ends[lo - 1] : -1;
            ends[lo] = i;
          }
          const stay = new Set();
          for (let i = ends.length ? ends[ends.length - 1] : -1; i >= 0; i = before[i]) stay.add(i);
          return stay;
        };
        const cancelBuild = Symbol();`,
      },
      {
        flawed: "for (let i = 0, len = next.length; i < len; i++, offset++) {",
        mended: "const placed = [];\n\tfor (let i = 0, len = next.length; i < len; i++, offset++) {",
      },
      {
        flawed: `} else if (childNodes[offset] !== el && childNodes[offset - 1] !== el) {
          if (childNodes[offset + 1] === el) container.appendChild(childNodes[offset]);
          else container.insertBefore(el, insertBeforeNode || childNodes[offset] || null);
        }
      }`,
        mended: `} else placed.push(el);
      }
      if (placed.length) {
        const where = new Map();
        for (let i = 0; i < childNodes.length; i++) where.set(childNodes[i], i);
        const at = placed.map((el) => where.get(el) ?? -1);
        const focus = placed.findIndex((el) => el.contains(document.activeElement));
        const keep = focus >= 0 && at[focus] >= 0;
        if (keep) for (let i = 0; i < at.length; i++) if (i < focus ? at[i] > at[focus] : at[i] < at[focus]) at[i] = -1;
        const stay = staying(at);
        if (keep) stay.add(focus);
        for (let i = placed.length - 1, before = insertBeforeNode; i >= 0; before = placed[i--]) {
          const el = placed[i];
          if (!stay.has(i) && (el.parentNode !== container || el.nextSibling !== before)) container.insertBefore(el, before);
        }
      }`,
      },
    ],
  },
];

/** The esbuild plugin: render.js with every mend applied, or the build stops naming the one that failed. */
export const honoDomMends = {
  name: "hono-jsx-dom-mends",
  setup(esbuild) {
    esbuild.onLoad({ filter: /hono[\\/]dist[\\/]jsx[\\/]dom[\\/]render\.js$/ }, async (args) => {
      let source = await readFile(args.path, "utf8");
      for (const mend of MENDS) {
        for (const edit of mend.edits) {
          const flawed = loosely(edit.flawed);
          if (!flawed.test(source)) {
            throw new Error(`${args.path} changed: check whether hono still needs the mend "${mend.name}"`);
          }
          source = source.replace(flawed, () => edit.mended);
        }
      }
      return { contents: source, loader: "js" };
    });
  },
};
