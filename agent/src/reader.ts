// Reads from a serial device (card reader or barcode scanner), turns each read into an event, and keeps the
// port open: a device unplugged, or not there at start, is reopened with backoff until it is back.
import { SerialPort } from "serialport";
import { Framer, type Framing, MAX_READ_BYTES } from "./framing.ts";
import { newEventId, type ScanEvent } from "./outbox.ts";

export interface PortConfig {
  /** Name the API sees, e.g. "door". */
  name: string;
  kind: ScanEvent["kind"];
  path: string;
  baudRate: number;
  framing: Framing;
}

export interface ReopenOptions {
  /** First wait before reopening a lost port; doubles up to maxReopenMs. Default 250 ms. */
  minReopenMs?: number;
  /** Default 5 s: a device plugged back in is read again within seconds. */
  maxReopenMs?: number;
}

export interface Reader {
  readonly config: PortConfig;
  /** Whether the port is open now; reported in heartbeats. */
  readonly isOpen: boolean;
  /** Settles once the first attempt to open the port has succeeded or failed. */
  readonly firstAttempt: Promise<void>;
  /** Closes the port for good, once the reads already taken are recorded. */
  close(): Promise<void>;
}

/** A read is printable text; readers add CR/LF and sometimes STX/ETX framing. */
export const cleanScan = (line: string): string =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control framing is the point.
  line.replace(/[\u0000-\u001f\u007f]/g, "").trim();

export function openReader(
  config: PortConfig,
  onEvent: (event: ScanEvent) => Promise<void>,
  log: (line: Record<string, unknown>) => void,
  options: ReopenOptions = {},
): Reader {
  const minReopenMs = options.minReopenMs ?? 250;
  const maxReopenMs = options.maxReopenMs ?? 5_000;
  const where = { port: config.name, path: config.path };
  let current: SerialPort | undefined;
  let stopped = false;
  let reopenMs = minReopenMs;
  let timer: NodeJS.Timeout | undefined;
  // One "closed" line per outage, not one per failed attempt while the device stays away.
  let announced = false;
  // Serialize: events reach the outbox in the order they were read.
  let queue = Promise.resolve();
  let settleFirst = () => {};
  const firstAttempt = new Promise<void>((resolve) => {
    settleFirst = resolve;
  });

  const record = (text: string) => {
    const value = cleanScan(text);
    if (value === "") return;
    const event: ScanEvent = {
      id: newEventId(),
      kind: config.kind,
      value,
      source: config.name,
      at: new Date().toISOString(),
    };
    queue = queue
      .then(() => onEvent(event))
      .catch((error) =>
        log({ level: "error", msg: "could not record a read", ...where, value, error: String(error) }),
      );
  };

  const lost = (error: unknown) => {
    current = undefined;
    if (stopped) return;
    if (!announced) {
      announced = true;
      const reason = error instanceof Error ? error.message : String(error);
      log({ level: "warn", msg: "port closed; reopening", ...where, error: reason });
    }
    timer = setTimeout(attempt, reopenMs);
    reopenMs = Math.min(reopenMs * 2, maxReopenMs);
  };

  const attempt = () => {
    timer = undefined;
    if (stopped) return;
    const port = new SerialPort({ path: config.path, baudRate: config.baudRate, autoOpen: false });
    // A fresh framer: half a read from before an unplug is not a read.
    const framer = new Framer(config.framing);
    port.on("data", (chunk: Buffer) => {
      const { reads, overflow } = framer.push(chunk);
      for (const read of reads) record(read);
      if (overflow) {
        log({
          level: "warn",
          msg: `no end of read within ${MAX_READ_BYTES} bytes; discarded (check the port's framing and baud rate)`,
          ...where,
          framing: config.framing,
        });
      }
    });
    // An unplugged device ends in "close" (with a disconnect error); other errors are dealt with the same way.
    port.on("close", (error: Error | null) => {
      if (current === port) lost(error ?? "closed");
    });
    port.on("error", (error: Error) => {
      if (current !== port) return;
      if (port.isOpen) port.close((closeError) => closeError && current === port && lost(error));
      else lost(error);
    });
    port.open((error) => {
      settleFirst();
      if (error) return lost(error);
      if (stopped) return port.close();
      current = port;
      announced = false;
      reopenMs = minReopenMs;
      log({ level: "info", msg: "port open", ...where, baud_rate: config.baudRate, framing: config.framing });
    });
  };

  attempt();
  return {
    config,
    firstAttempt,
    get isOpen() {
      return current?.isOpen ?? false;
    },
    async close() {
      stopped = true;
      clearTimeout(timer);
      settleFirst();
      const port = current;
      current = undefined;
      if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
      await queue;
    },
  };
}
