// Sends outbox events to the API in order, in batches, retrying with backoff while the network or the API
// is down. POST {path} with { events: [...] } answers one verdict per event: accepted and duplicate are
// acked, refused is moved to dead/ with its reason. Anything else keeps the whole batch (and everything
// after it) pending and tries again later, so order is kept and nothing is dropped on a whole-batch error.
// How it went is saved in state.json beside the outbox, for `roms-agent status`.
import { AGENT_VERSION } from "./api.ts";
import type { Outbox, ScanEvent } from "./outbox.ts";
import { type DeliveryState, emptyState, readState, writeState } from "./state.ts";
import { alertOnTerminal, parseResults, tellPerson } from "./verdicts.ts";

/** The API takes 1 to 200 events a request. */
const MAX_BATCH = 200;

export interface ForwarderOptions {
  apiUrl: string;
  deviceToken: string;
  /** Path of the device event endpoint under apiUrl. */
  path?: string;
  /** Events per request, 1 to 200; default 50. */
  batchSize?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Upper bound on a 429's Retry-After; default 5 minutes. */
  maxRetryAfterMs?: number;
  agentVersion?: string;
  log?: (line: Record<string, unknown>) => void;
  /** Tells the person at the device about an enrollment; default: a beep and the line on a terminal's stderr. */
  alert?: (text: string) => void;
}

interface Wait {
  ms: number;
  /** A new scan (notify()) cuts a backoff short, but never a wait the API asked for with Retry-After. */
  interruptible: boolean;
}

export class Forwarder {
  #outbox: Outbox;
  #options: Required<ForwarderOptions>;
  #wake: (() => void) | undefined;
  #wakeOnNotify = false;
  #notified = false;
  #running = false;
  #stopped = false;
  #backoff: number;
  #state: DeliveryState = emptyState();

  constructor(outbox: Outbox, options: ForwarderOptions) {
    this.#outbox = outbox;
    this.#options = {
      path: "/api/v1/devices/events",
      batchSize: 50,
      minBackoffMs: 500,
      maxBackoffMs: 30_000,
      maxRetryAfterMs: 300_000,
      agentVersion: AGENT_VERSION,
      log: (line) => console.log(JSON.stringify(line)),
      alert: alertOnTerminal,
      ...options,
    };
    this.#options.batchSize = Math.min(Math.max(1, Math.floor(this.#options.batchSize)), MAX_BATCH);
    this.#backoff = this.#options.minBackoffMs;
  }

  /** When the API last answered a batch 200 (RFC 3339), or null; sent in heartbeats. */
  get lastDeliveryAt(): string | null {
    return this.#state.last_delivery_at;
  }

  /** Tells the loop there is something new to send. */
  notify(): void {
    this.#notified = true;
    if (this.#wakeOnNotify) this.#wake?.();
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#loop();
  }

  stop(): void {
    this.#stopped = true;
    this.#wake?.();
  }

  #log(line: Record<string, unknown>): void {
    this.#options.log(line);
  }

  /** Saves state.json; a failure to save is logged, never allowed to hold up delivery. */
  async #save(change: Partial<DeliveryState>): Promise<void> {
    this.#state = { ...this.#state, ...change };
    try {
      await writeState(this.#outbox.dir, this.#state);
    } catch (error) {
      this.#log({ level: "warn", msg: "could not save state.json", error: String(error) });
    }
  }

  #failed(msg: string, status?: number): Promise<void> {
    return this.#save({
      last_error: { at: new Date().toISOString(), ...(status !== undefined && { status }), msg },
    });
  }

  /** The next backoff delay, doubling up to maxBackoffMs. */
  #backoffWait(): Wait {
    const ms = this.#backoff;
    this.#backoff = Math.min(this.#backoff * 2, this.#options.maxBackoffMs);
    return { ms, interruptible: true };
  }

  /** Retry-After in seconds or as an HTTP date, capped; a missing or unreadable one falls back to backoff. */
  #retryAfter(header: string | null): Wait {
    let ms: number | undefined;
    if (header !== null && /^\s*\d+\s*$/.test(header)) ms = Number(header) * 1000;
    else if (header !== null && !Number.isNaN(Date.parse(header))) ms = Date.parse(header) - Date.now();
    if (ms === undefined) return this.#backoffWait();
    return {
      ms: Math.min(Math.max(ms, this.#options.minBackoffMs), this.#options.maxRetryAfterMs),
      interruptible: false,
    };
  }

  /** Sends one batch and settles it; returns how long to wait before trying again, or undefined if done. */
  async #deliver(batch: ScanEvent[]): Promise<Wait | undefined> {
    const span = { events: batch.length, first_id: batch[0]?.id, last_id: batch.at(-1)?.id };
    let res: Response;
    let text: string;
    try {
      res = await fetch(new URL(this.#options.path, this.#options.apiUrl), {
        method: "POST",
        headers: {
          authorization: `Bearer ${this.#options.deviceToken}`,
          "content-type": "application/json",
          "x-agent-version": this.#options.agentVersion,
        },
        body: JSON.stringify({ events: batch }),
        signal: AbortSignal.timeout(15_000),
      });
      text = await res.text();
    } catch (error) {
      const wait = this.#backoffWait();
      await this.#failed(`API unreachable: ${String(error)}`);
      this.#log({
        level: "warn",
        msg: "API unreachable; will retry",
        error: String(error),
        in_ms: wait.ms,
        ...span,
      });
      return wait;
    }

    if (res.status === 429) {
      const header = res.headers.get("retry-after");
      const wait = this.#retryAfter(header);
      await this.#failed("rate limited by the API", 429);
      this.#log({
        level: "warn",
        msg: "rate limited by the API; will send the same batch again",
        status: 429,
        retry_after: header,
        in_ms: wait.ms,
        ...span,
      });
      return wait;
    }

    if (res.status !== 200) {
      const wait = this.#backoffWait();
      const body = text.slice(0, 500);
      await this.#failed(
        res.status === 401 || res.status === 403
          ? "device token refused"
          : res.status === 400
            ? "API rejected the batch as malformed"
            : "API error",
        res.status,
      );
      if (res.status === 400) {
        // Our own bug, not the events' fault: burying the batch would lose reads. Keep it and shout.
        this.#log({
          level: "error",
          msg: "API rejected the batch as malformed (a bug in the agent?); keeping it and retrying",
          status: 400,
          body,
          in_ms: wait.ms,
          ...span,
        });
      } else if (res.status === 401 || res.status === 403) {
        // A new token may be installed: keep everything and keep trying.
        this.#log({
          level: "error",
          msg: "device token refused; keeping events and retrying",
          status: res.status,
          in_ms: wait.ms,
          ...span,
        });
      } else {
        this.#log({
          level: "warn",
          msg: "API error; will retry",
          status: res.status,
          body,
          in_ms: wait.ms,
          ...span,
        });
      }
      return wait;
    }

    const results = parseResults(text, batch);
    if (!results) {
      // Nothing acked: the ids are idempotency keys, so sending the whole batch again is safe.
      const wait = this.#backoffWait();
      await this.#failed("API answered 200 without a verdict for every event", 200);
      this.#log({
        level: "error",
        msg: "API answered 200 without a verdict for every event; keeping the batch and retrying",
        body: text.slice(0, 500),
        in_ms: wait.ms,
        ...span,
      });
      return wait;
    }

    let accepted = 0;
    let duplicates = 0;
    const refused: { id: string; reason: string }[] = [];
    for (const event of batch) {
      const result = results.get(event.id)!;
      tellPerson(event.id, result, this.#options.log, this.#options.alert);
      if (result.verdict === "refused") {
        const reason = result.reason ?? "refused by the API";
        await this.#outbox.bury(event.id, reason);
        refused.push({ id: event.id, reason });
      } else {
        await this.#outbox.ack(event.id);
        if (result.verdict === "accepted") accepted++;
        else duplicates++;
      }
    }
    this.#backoff = this.#options.minBackoffMs;
    this.#log({
      level: refused.length > 0 ? "warn" : "info",
      msg: refused.length > 0 ? "batch sent; refused events kept in dead/" : "batch sent",
      delivered: accepted + duplicates,
      accepted,
      duplicates,
      refused,
      ...span,
    });
    const at = new Date().toISOString();
    await this.#save({
      last_delivery_at: at,
      last_batch: { at, accepted, duplicates, refused: refused.length, ...span },
    });
    return undefined;
  }

  async #sleep({ ms, interruptible }: Wait): Promise<void> {
    if (this.#stopped) return;
    if (interruptible && this.#notified) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wakeOnNotify = interruptible;
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = undefined;
    this.#wakeOnNotify = false;
  }

  async #loop(): Promise<void> {
    this.#state = await readState(this.#outbox.dir);
    while (!this.#stopped) {
      // A notify() from here on is either in this snapshot or brings on another round.
      this.#notified = false;
      let wait: Wait | undefined;
      try {
        const events = await this.#outbox.pending();
        if (events.length === 0) wait = { ms: 60_000, interruptible: true };
        // Keep order: a batch that cannot be delivered blocks the ones after it.
        for (let i = 0; i < events.length && !wait && !this.#stopped; i += this.#options.batchSize) {
          wait = await this.#deliver(events.slice(i, i + this.#options.batchSize));
        }
      } catch (error) {
        // The disk, most likely: keep the loop alive and try again.
        wait = this.#backoffWait();
        await this.#failed(`forwarding failed: ${String(error)}`);
        this.#log({
          level: "error",
          msg: "forwarding failed; will retry",
          error: String(error),
          in_ms: wait.ms,
        });
      }
      if (wait) await this.#sleep(wait);
    }
    this.#running = false;
  }
}
