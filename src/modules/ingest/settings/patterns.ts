// The patterns staff write in mail templates, checked when saved, so the mail reader meets only ones that compile.

import { compile } from "../../../intake/mail/templates";

/** Longer patterns are refused: a template is a few lines of text, not a program. */
export const MAX_PATTERN = 1_000;

/** The named groups a line pattern gives each line of an order. */
export const LINE_GROUPS = ["sku", "name", "quantity", "price"] as const;

/** A pattern as the mail reader compiles it: checked with the reader's own compile, never a copy. */
export const compilePattern = compile;

/** The engine's own message when the pattern does not compile, else null. */
export function compileError(pattern: string, flags: string): string | null {
  try {
    compilePattern(pattern, flags);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * The named groups of a pattern that compiles. Matching "" against `(?:pattern)|` always succeeds, and a
 * match's `groups` lists every named group of the expression, matched or not.
 */
export function namedGroups(pattern: string, flags: string): string[] {
  const compiled = compilePattern(pattern, flags);
  const probe = new RegExp(`(?:${compiled.source})|`, compiled.flags.replace("g", ""));
  return Object.keys(probe.exec("")?.groups ?? {});
}

/** The line groups a line pattern lacks. */
export const missingLineGroups = (pattern: string): string[] => {
  const present = new Set(namedGroups(pattern, "gi"));
  return LINE_GROUPS.filter((group) => !present.has(group));
};
