// Sends outbox events to the API in order, retrying with backoff while the network or the API is down.
import type { Outbox, ScanEvent } from "./outbox.ts";

export interface ForwarderOptions {
  apiUrl: string;
  deviceToken: string;
  /** Path of the device event endpoint under apiUrl. */
  path?: string;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  log?: (line: Record<string, unknown>) => void;
}

type Outcome = "delivered" | "retry" | "refused";

export class Forwarder {
  #outbox: Outbox;
  #options: Required<ForwarderOptions>;
  #wake: (() => void) | undefined;
  #running = false;
  #stopped = false;
  #backoff: number;

  constructor(outbox: Outbox, options: ForwarderOptions) {
    this.#outbox = outbox;
    this.#options = {
      path: "/api/v1/devices/events",
      minBackoffMs: 500,
      maxBackoffMs: 30_000,
      log: (line) => console.log(JSON.stringify(line)),
      ...options,
    };
    this.#backoff = this.#options.minBackoffMs;
  }

  /** Tells the loop there is something new to send. */
  notify(): void {
    this.#wake?.();
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#loop();
  }

  stop(): void {
    this.#stopped = true;
    this.notify();
  }

  async #send(event: ScanEvent): Promise<Outcome> {
    try {
      const res = await fetch(new URL(this.#options.path, this.#options.apiUrl), {
        method: "POST",
        headers: {
          authorization: `Bearer ${this.#options.deviceToken}`,
          "content-type": "application/json",
          "idempotency-key": event.id,
        },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(15_000),
      });
      await res.arrayBuffer();
      if (res.ok || res.status === 409) return "delivered";
      if (res.status === 408 || res.status === 429 || res.status >= 500) return "retry";
      // 401/403 may be fixed by a new token: keep trying rather than burying every scan.
      if (res.status === 401 || res.status === 403) return "retry";
      return "refused";
    } catch {
      return "retry";
    }
  }

  async #sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = undefined;
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      const events = await this.#outbox.pending();
      let blocked = false;
      for (const event of events) {
        if (this.#stopped) break;
        const outcome = await this.#send(event);
        if (outcome === "delivered") {
          await this.#outbox.ack(event.id);
          this.#backoff = this.#options.minBackoffMs;
          this.#options.log({ level: "info", msg: "delivered", id: event.id });
        } else if (outcome === "refused") {
          await this.#outbox.bury(event.id, "refused by the API");
          this.#options.log({ level: "warn", msg: "refused; kept in dead/", id: event.id });
        } else {
          // Keep order: nothing after a stuck event goes before it.
          blocked = true;
          break;
        }
      }
      if (blocked) {
        this.#options.log({ level: "warn", msg: "API unreachable; will retry", in_ms: this.#backoff });
        await this.#sleep(this.#backoff);
        this.#backoff = Math.min(this.#backoff * 2, this.#options.maxBackoffMs);
      } else if (events.length === 0) {
        await this.#sleep(60_000);
      }
    }
    this.#running = false;
  }
}
