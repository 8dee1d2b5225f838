// Makes `wrangler dev` output readable: drops the notices known to be harmless for ROMS on this machine,
// prints the Worker's JSON log lines as one short line each, and passes everything else through — errors,
// unknown warnings, reloads — untouched. ROMS_LOG=json keeps the Worker's JSON lines as they are.
import { createInterface } from "node:readline";

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g");

/**
 * Notices that say nothing wrong about ROMS here. A block starts at `start` and goes on while lines match
 * `more`. Everything not listed passes through.
 */
const HARMLESS = [
  // Wrangler's banner and rule: the "ROMS is running" block says what matters (and which URL to use).
  { start: /^\s*⛅️\s+wrangler\s+\d/ },
  { start: /^─{10,}$/ },
  // Informational: where the secrets come from (.dev.vars, written by npm start).
  { start: /^Using (secrets|vars) defined in \.dev\.vars/ },
  // The binding table: summarised in one line of the "ROMS is running" block; all of it is local.
  { start: /^Your Worker has access to the following bindings:/, more: /^(Binding\s|env\.|\s*$)/ },
  // Cron Triggers do not fire by themselves locally; the block prints the URL that fires one, with ?cron=.
  { start: /Scheduled Workers are not automatically triggered during local development/, more: /^(\s|$)/ },
  // Said by wrangler's platform proxy (a D1/R2 handle that runs no Worker), never by `wrangler dev`.
  { start: /You have defined bindings to the following internal Durable Objects/, more: /^(\s|$)/ },
  // wrangler.toml [build] runs scripts/build.mjs at start and on each reload; a failure still shows as
  // wrangler's own [ERROR] line, and the script's other lines pass.
  {
    start:
      /^\[custom build\](\s*$| Running: node scripts\/build\.mjs| assets: dist\/public ready| build: dist\/worker ready)/,
  },
  // The table of the build's modules (dist/worker/chunks) that wrangler uploads beside the entry.
  { start: /^Attaching additional modules:/, more: /^[┌├│└]/ },
  // Startup progress: the "ROMS is running" block follows as soon as the server answers.
  { start: /^⎔ Starting local server/ },
  { start: /^\[wrangler:info\] Ready on / },
];

/** Wrangler's own access line; the Worker's JSON line says the same with more (kept when the Worker failed). */
const ACCESS_LINE = /^\[wrangler:info\] [A-Z]+ \S+ (\d{3})\b/;
const JSON_LINE = /^(?:✘ \[ERROR\] )?(\{.*\})\s*$/;

const clock = () => new Date().toTimeString().slice(0, 8);
const shortValue = (v) => (typeof v === "string" && v !== "" && !/\s/.test(v) ? v : JSON.stringify(v));

/** One Worker log line as a person reads it, or null when it is not one of ours. */
export function compactLogLine(text) {
  const match = JSON_LINE.exec(text);
  if (!match) return null;
  let entry;
  try {
    entry = JSON.parse(match[1]);
  } catch {
    return null;
  }
  if (typeof entry !== "object" || entry === null || typeof entry.msg !== "string") return null;
  const { level = "info", msg, ...rest } = entry;
  const error = level === "error" || level === "warn";
  if (msg === "request") {
    const { method, path, status, duration_ms, principal, request_id } = rest;
    const who = principal ? ` ${String(principal).slice(0, principal.indexOf(":") + 9)}` : "";
    const id = error ? ` request_id=${request_id}` : "";
    return {
      error,
      request: true,
      line: `${clock()} ${String(method).padEnd(6)} ${path} ${status} ${duration_ms}ms${who}${id}`,
    };
  }
  const { stack, ...fields } = rest;
  const pairs = Object.entries(fields).map(([k, v]) => `${k}=${shortValue(v)}`);
  const line = `${clock()} ${error ? `${level.toUpperCase()} ` : ""}${msg} ${pairs.join(" ")}`.trimEnd();
  // A stack trace reads as lines, not as one escaped string.
  const trace = typeof stack === "string" ? `\n${stack.replace(/^/gm, "    ")}` : "";
  return { error, request: false, line: `${line}${trace}` };
}

/**
 * A filter for the child's stdout and stderr. Output is held until `release()`; `bindings` collects the
 * binding names of wrangler's table.
 */
export function createOutputFilter({ raw = false } = {}) {
  const keepJson = process.env.ROMS_LOG === "json";
  const bindings = [];
  let held = [];
  let holding = !raw;
  let lastBlank = true;
  let requests = 0;
  const waiting = new Set();

  const emit = (stream, line, request = false) => {
    if (request) {
      requests++;
      for (const resolve of waiting) resolve();
    }
    const blank = line.trim() === "";
    if (blank && lastBlank) return;
    if (holding) {
      held.push({ stream, line, request });
      return;
    }
    lastBlank = blank;
    (stream === "stderr" ? process.stderr : process.stdout).write(`${line}\n`);
  };

  const handlerFor = (stream) => {
    let block = null;
    return (original) => {
      if (raw) {
        (stream === "stderr" ? process.stderr : process.stdout).write(`${original}\n`);
        return;
      }
      const text = original.replace(ANSI, "").trimEnd();
      if (block?.more?.test(text)) {
        const binding = /^env\.(\w+)/.exec(text);
        if (binding && !text.includes("Environment Variable")) bindings.push(binding[1]);
        return;
      }
      block = null;
      const notice = HARMLESS.find((h) => h.start.test(text));
      if (notice) {
        block = notice;
        return;
      }
      const access = ACCESS_LINE.exec(text);
      if (access && Number(access[1]) < 500) return;
      const log = keepJson ? null : compactLogLine(text);
      if (log) {
        emit(log.error ? "stderr" : stream, log.line, log.request);
        return;
      }
      emit(stream, original);
    };
  };

  return {
    bindings,
    /** Resolves once a request line has come (or after `ms`). */
    requestSeen(ms) {
      if (requests > 0) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          waiting.delete(done);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(done, ms);
        waiting.add(done);
      });
    },
    attach(readable, stream) {
      createInterface({ input: readable, crlfDelay: Number.POSITIVE_INFINITY }).on(
        "line",
        handlerFor(stream),
      );
    },
    /**
     * Prints what was held and lets the rest through. `dropRequests` leaves out the request lines held
     * (the demo's own seeding); returns how many were left out.
     */
    release({ dropRequests = false, showAll = false } = {}) {
      if (!holding) return 0;
      holding = false;
      const lines = held;
      held = [];
      let dropped = 0;
      for (const { stream, line, request } of lines) {
        if (request && dropRequests && !showAll) {
          dropped++;
          continue;
        }
        emit(stream, line, request);
      }
      if (showAll) process.stderr.write("(ROMS_LOG=raw shows wrangler's output unfiltered.)\n");
      return dropped;
    },
  };
}
