#!/usr/bin/env node
// The Worker's modules that the bench and the scripts load straight into Node (a password hash, ids, the
// vocabulary), loaded here the way Node loads them. Wrangler's bundler resolves `./vocabulary` without its
// extension, Node does not: an import written for the bundle alone breaks `npm run bench` and `npm start`
// without any type check or Worker test noticing.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = path.resolve(import.meta.dirname, "..");
const loaded = new Set();
for (const dir of ["bench", "scripts"]) {
  for (const name of readdirSync(path.join(root, dir)).filter((n) => n.endsWith(".mjs"))) {
    const text = readFileSync(path.join(root, dir, name), "utf8");
    for (const [, specifier] of text.matchAll(/from "(\.\.\/src\/[^"]+)"/g)) {
      loaded.add(path.resolve(root, dir, specifier));
    }
  }
}
const failures = [];
for (const file of loaded) {
  try {
    await import(pathToFileURL(file).href);
  } catch (error) {
    failures.push(`${path.relative(root, file)}: ${error.message}`);
  }
}
if (failures.length > 0) {
  console.error(`Node cannot load what the bench and the scripts import:\n${failures.join("\n")}`);
  process.exit(1);
}
console.log(`${loaded.size} modules of src/ load in Node as the bench and the scripts import them`);
