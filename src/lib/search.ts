// What people type into a search box, made safe for SQL LIKE and for SQLite FTS5.

/** A LIKE pattern matching `text` anywhere, with % _ and \ taken literally (use with ESCAPE '\'). */
export const containsPattern = (text: string) =>
  `%${text.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/** The words of a search, lower-cased, at most eight; punctuation and FTS syntax are dropped. */
export const searchWords = (text: string): string[] =>
  (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);

/** FTS5 terms that match each word as a prefix. */
export const prefixTerms = (words: string[]) => words.map((w) => `"${w}"*`);
