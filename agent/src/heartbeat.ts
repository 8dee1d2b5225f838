// Heartbeats: tells the API the agent is alive and how it is doing (queue, dead events, last delivery, ports),
// and learns from the answer how often to beat and whether a card enrollment is armed at this device.
// Independent of event delivery: a failed beat is logged and the next one tries again.
import { callApi, type Device, problemDetail } from "./api.ts";
import type { ScanEvent } from "./outbox.ts";

export interface HeartbeatBody {
  queue_depth: number;
  dead: number;
  last_delivery_at: string | null;
  ports: { name: string; kind: ScanEvent["kind"]; path: string; open: boolean }[];
}

/** An enrollment armed at this device: the next card read is bound to this employee. */
export interface ArmedEnrollment {
  id: string;
  employee: { id: string; code: string; name: string };
  armed_at: string;
  expires_at: string;
}

export interface HeartbeatOptions extends Device {
  /** What to report, gathered afresh for each beat. */
  snapshot: () => Promise<HeartbeatBody>;
  /** A fixed period in seconds (for tests); otherwise a third of the interval the API last asked for. */
  periodSeconds?: number;
  log: (line: Record<string, unknown>) => void;
}

const PATH = "/api/v1/devices/heartbeat";
/** Before the API has said how often it wants to hear from us. */
const FIRST_PERIOD_SECONDS = 20;

function parseEnrollment(value: unknown): ArmedEnrollment | null {
  const e = value as Partial<ArmedEnrollment> | null | undefined;
  if (typeof e?.id !== "string" || typeof e.employee?.name !== "string") return null;
  return {
    id: e.id,
    employee: { id: String(e.employee.id), code: String(e.employee.code), name: e.employee.name },
    armed_at: String(e.armed_at),
    expires_at: String(e.expires_at),
  };
}

export class Heartbeat {
  #options: HeartbeatOptions;
  #timer: NodeJS.Timeout | undefined;
  #abort = new AbortController();
  #started = false;
  #stopped = false;
  #intervalSeconds: number | undefined;
  /** Whether the last beat was answered; the first answer and the first after failures are logged. */
  #answered = false;
  #enrollment: ArmedEnrollment | null = null;

  constructor(options: HeartbeatOptions) {
    this.#options = options;
  }

  /** The enrollment armed at this device as of the last answer, or null. */
  get enrollment(): ArmedEnrollment | null {
    return this.#enrollment;
  }

  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    void this.#beat();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#abort.abort();
  }

  #periodMs(): number {
    const seconds =
      this.#options.periodSeconds ??
      (this.#intervalSeconds !== undefined ? this.#intervalSeconds / 3 : FIRST_PERIOD_SECONDS);
    // A zero or garbled period must not turn into a busy loop against the API.
    return Math.max(seconds, 0.1) * 1000;
  }

  #failed(line: Record<string, unknown>): void {
    this.#answered = false;
    this.#options.log({ level: "warn", msg: "heartbeat failed; will try again at the next beat", ...line });
  }

  async #beat(): Promise<void> {
    try {
      const body = await this.#options.snapshot();
      const signal = AbortSignal.any([this.#abort.signal, AbortSignal.timeout(10_000)]);
      const answer = await callApi(this.#options, "POST", PATH, body, signal);
      if (answer.status !== 200) {
        this.#failed({ status: answer.status, detail: problemDetail(answer) });
      } else {
        this.#took(answer.body);
      }
    } catch (error) {
      if (!this.#stopped) this.#failed({ error: String(error) });
    }
    if (!this.#stopped) this.#timer = setTimeout(() => void this.#beat(), this.#periodMs());
  }

  #took(body: unknown): void {
    const answer = body as { device_id?: unknown; interval_seconds?: unknown; enrollment?: unknown } | null;
    const interval = answer?.interval_seconds;
    if (typeof interval === "number" && Number.isFinite(interval) && interval > 0) {
      this.#intervalSeconds = interval;
    }
    if (!this.#answered) {
      this.#answered = true;
      this.#options.log({
        level: "info",
        msg: "heartbeat answered",
        device_id: answer?.device_id,
        interval_seconds: this.#intervalSeconds,
      });
    }
    const before = this.#enrollment;
    const now = parseEnrollment(answer?.enrollment);
    this.#enrollment = now;
    if (before && before.id !== now?.id) {
      this.#options.log({
        level: "info",
        msg: "enrollment no longer armed",
        enrollment_id: before.id,
        employee: before.employee,
      });
    }
    if (now && before?.id !== now.id) {
      this.#options.log({
        level: "info",
        msg: "enrollment armed",
        enrollment_id: now.id,
        employee: now.employee,
        expires_at: now.expires_at,
      });
    }
  }
}
