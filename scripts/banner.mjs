// The "ROMS is running" block that `npm start` and `npm run demo` print once the server answers.

/** Lines in a box; a line that is an array is [label, value] and is aligned with the others. */
export function box(lines) {
  const width = Math.max(...lines.filter((l) => Array.isArray(l)).map(([label]) => label.length), 0);
  const text = lines.map((l) => (Array.isArray(l) ? `  ${l[0].padEnd(width)}  ${l[1]}` : l));
  const inner = Math.max(...text.map((t) => t.length));
  const rule = "─".repeat(inner + 2);
  return [`┌${rule}┐`, ...text.map((t) => `│ ${t.padEnd(inner)} │`), `└${rule}┘`].join("\n");
}

/**
 * Prints where ROMS answers, who can sign in and how to fire a cron tick. `signIn` is a list of box lines
 * (see box); `bindings` the names wrangler listed (all local).
 */
export function printRunning({ base, title = "ROMS is running", signIn = [], bindings = [] }) {
  const cron = `curl '${base}/cdn-cgi/local/scheduled?cron=*/15+*+*+*+*'`;
  const lines = [
    `${title} at ${base}`,
    "",
    // localhost: the console's session cookie is Secure, which browsers keep over plain HTTP for localhost.
    ["Console", `${base.replace("127.0.0.1", "localhost")}/`],
    ["API", `${base}/api/v1`],
    ["Docs", `${base}/docs`],
    ["OpenAPI", `${base}/openapi.json`],
    ["Health", `${base}/health`],
    ...(signIn.length > 0 ? ["", ...signIn] : []),
  ];
  console.log(`\n${box(lines)}`);
  if (bindings.length > 0)
    console.log(`Local bindings: ${bindings.join(", ")} (D1, R2 and rooms under .wrangler/state)`);
  console.log(`Cron tick: ${cron}`);
  console.log("Requests are logged below, one line each (ROMS_LOG=json: as JSON). Ctrl+C stops ROMS.\n");
}
