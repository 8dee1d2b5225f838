// Calling the ROMS API as this device: the device token, the agent's version, JSON in and out.
import { readFileSync } from "node:fs";

/** The agent's version, sent as x-agent-version; read once from agent/package.json. */
export const AGENT_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version?: unknown;
    };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
})();

export interface Device {
  apiUrl: string;
  deviceToken: string;
  agentVersion?: string;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON; undefined if it is not JSON. */
  body: unknown;
}

/** One request; throws only when no answer came (network, timeout, abort). */
export async function callApi(
  device: Device,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
  signal: AbortSignal = AbortSignal.timeout(15_000),
): Promise<Answer> {
  const res = await fetch(new URL(path, device.apiUrl), {
    method,
    headers: {
      authorization: `Bearer ${device.deviceToken}`,
      "x-agent-version": device.agentVersion ?? AGENT_VERSION,
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    signal,
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

/** What went wrong, for a person: a problem's detail (or title), else the status and the start of the body. */
export function problemDetail(answer: Answer): string {
  const problem = answer.body as { detail?: unknown; title?: unknown } | undefined;
  if (typeof problem?.detail === "string" && problem.detail !== "") return problem.detail;
  if (typeof problem?.title === "string" && problem.title !== "") return problem.title;
  const text = answer.text.trim().slice(0, 200);
  return text === "" ? `HTTP ${answer.status}` : `HTTP ${answer.status}: ${text}`;
}
