// roms-agent.json: where the API is, the device token, the outbox, and each serial port with its profile.
// Checked whole before anything starts: every problem is one line naming the field, and unknown fields are
// problems too, so a typo cannot silently do nothing.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { FRAMINGS, type Framing } from "./framing.ts";
import type { PortConfig } from "./reader.ts";

/** What a kind of device sends unless a port says otherwise. */
export const PROFILES = {
  "card-reader": { kind: "card", baudRate: 9600, framing: "crlf" },
  "barcode-scanner": { kind: "barcode", baudRate: 9600, framing: "cr" },
} as const satisfies Record<string, Pick<PortConfig, "kind" | "baudRate" | "framing">>;

export const DEFAULT_CONFIG_FILE = "./roms-agent.json";
/** The API takes 1 to 200 events a request, and a heartbeat reports at most 32 ports. */
const MAX_BATCH = 200;
const MAX_PORTS = 32;

export interface Config {
  /** The file it came from, absolute. */
  file: string;
  apiUrl: string;
  /** From ROMS_DEVICE_TOKEN if set, else the file; "" only when loaded without requiring one. */
  deviceToken: string;
  /** Absolute; a relative `outbox` is taken from the config file's directory. */
  outboxDir: string;
  heartbeatSeconds?: number;
  batchSize: number;
  ports: PortConfig[];
}

export class ConfigError extends Error {
  readonly file: string;
  readonly problems: string[];

  constructor(file: string, problems: string[]) {
    super(problems.map((problem) => `${file}: ${problem}`).join("\n"));
    this.file = file;
    this.problems = problems;
  }
}

/** --config, else ROMS_AGENT_CONFIG, else ./roms-agent.json; absolute. */
export function configFile(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(flag ?? (env.ROMS_AGENT_CONFIG || DEFAULT_CONFIG_FILE));
}

const TOP_FIELDS = ["api_url", "device_token", "outbox", "heartbeat_seconds", "batch_size", "ports"];
const PORT_FIELDS = ["name", "path", "profile", "baud_rate", "framing"];
const quoted = (values: readonly string[]) =>
  `${values
    .slice(0, -1)
    .map((v) => `"${v}"`)
    .join(", ")} or "${values.at(-1)}"`;

type Fields = Record<string, unknown>;
const isObject = (value: unknown): value is Fields =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === "string" && value.trim() !== "";

function unknownFields(fields: Fields, known: string[], prefix: string, problems: string[]): void {
  for (const field of Object.keys(fields)) {
    if (!known.includes(field)) {
      problems.push(`${prefix}${field}: unknown field (known: ${known.join(", ")})`);
    }
  }
}

function apiUrlProblem(value: unknown): string | undefined {
  if (value === undefined) return "api_url: required";
  const url = isText(value) && URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    return 'api_url: expected an http or https URL, e.g. "https://roms.example.com"';
  }
  // Requests go to /api/v1/... from the host's root: a path here would be silently dropped.
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "") {
    return 'api_url: expected the address of the API without a path, e.g. "https://roms.example.com"';
  }
  return undefined;
}

function parsePort(value: unknown, i: number, problems: string[]): PortConfig | undefined {
  const at = `ports[${i}]`;
  if (!isObject(value)) {
    problems.push(`${at}: expected an object with name, path and profile`);
    return undefined;
  }
  const before = problems.length;
  unknownFields(value, PORT_FIELDS, `${at}.`, problems);
  const { name, path: device, profile, baud_rate: baud, framing } = value;
  // The API's limits: a longer name would have every read refused, a longer path every heartbeat.
  if (!isText(name) || name.length > 64) {
    problems.push(`${at}.name: expected a non-empty string of at most 64 characters, e.g. "door"`);
  }
  if (!isText(device) || device.length > 256) {
    problems.push(`${at}.path: expected the serial device, e.g. "/dev/ttyUSB0" or "COM3"`);
  }
  if (profile !== "card-reader" && profile !== "barcode-scanner") {
    problems.push(`${at}.profile: expected ${quoted(Object.keys(PROFILES))}`);
  }
  if (baud !== undefined && !(Number.isInteger(baud) && (baud as number) > 0)) {
    problems.push(`${at}.baud_rate: expected a positive integer, e.g. 9600`);
  }
  if (framing !== undefined && !FRAMINGS.includes(framing as Framing)) {
    problems.push(`${at}.framing: expected ${quoted(FRAMINGS)}`);
  }
  if (problems.length > before) return undefined;
  const defaults = PROFILES[profile as keyof typeof PROFILES];
  return {
    name: name as string,
    kind: defaults.kind,
    path: device as string,
    baudRate: (baud as number | undefined) ?? defaults.baudRate,
    framing: (framing as Framing | undefined) ?? defaults.framing,
  };
}

/** Checks a config file's text; throws a ConfigError listing every problem. */
export function parseConfig(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  { requireToken = true } = {},
): Config {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [`not valid JSON: ${(error as Error).message}`]);
  }
  if (!isObject(raw)) throw new ConfigError(file, ["expected a JSON object"]);
  const problems: string[] = [];
  unknownFields(raw, TOP_FIELDS, "", problems);

  const apiProblem = apiUrlProblem(raw.api_url);
  if (apiProblem) problems.push(apiProblem);

  const { device_token: token, outbox, heartbeat_seconds: heartbeat, batch_size: batch, ports } = raw;
  if (token !== undefined && !isText(token)) problems.push("device_token: expected a non-empty string");
  // The environment wins, so the secret can live outside the file (a service's environment file).
  const deviceToken = env.ROMS_DEVICE_TOKEN || (isText(token) ? token : "");
  if (requireToken && deviceToken === "" && token === undefined) {
    problems.push("device_token: required (or set ROMS_DEVICE_TOKEN)");
  }
  if (outbox !== undefined && !isText(outbox)) {
    problems.push('outbox: expected a directory, e.g. "/var/lib/roms-agent"');
  }
  if (
    heartbeat !== undefined &&
    !(typeof heartbeat === "number" && Number.isFinite(heartbeat) && heartbeat > 0)
  ) {
    problems.push("heartbeat_seconds: expected a positive number");
  }
  if (
    batch !== undefined &&
    !(Number.isInteger(batch) && (batch as number) >= 1 && (batch as number) <= MAX_BATCH)
  ) {
    problems.push(`batch_size: expected an integer from 1 to ${MAX_BATCH}`);
  }

  const parsed: PortConfig[] = [];
  if (!Array.isArray(ports) || ports.length === 0 || ports.length > MAX_PORTS) {
    problems.push(`ports: expected an array of 1 to ${MAX_PORTS} ports`);
  } else {
    ports.forEach((value, i) => {
      const port = parsePort(value, i, problems);
      if (!port) return;
      // Two readers on one device would fight over it; two ports of one name would be one source to the API.
      const sameName = parsed.findIndex((p) => p.name === port.name);
      const samePath = parsed.findIndex((p) => p.path === port.path);
      if (sameName !== -1)
        problems.push(`ports[${i}].name: "${port.name}" is already the name of another port`);
      if (samePath !== -1)
        problems.push(`ports[${i}].path: "${port.path}" is already the path of another port`);
      parsed.push(port);
    });
  }

  if (problems.length > 0) throw new ConfigError(file, problems);
  return {
    file,
    apiUrl: raw.api_url as string,
    deviceToken,
    outboxDir: path.resolve(path.dirname(file), (outbox as string | undefined) ?? "./roms-outbox"),
    ...(heartbeat !== undefined && { heartbeatSeconds: heartbeat as number }),
    batchSize: (batch as number | undefined) ?? 50,
    ports: parsed,
  };
}

/** Reads and checks a config file; throws a ConfigError listing every problem. */
export async function loadConfig(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  options: { requireToken?: boolean } = {},
): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [
      code === "ENOENT"
        ? "no such file (pass --config FILE or set ROMS_AGENT_CONFIG)"
        : `cannot read it: ${(error as Error).message}`,
    ]);
  }
  return parseConfig(text, file, env, options);
}
