// Reads lines from a serial device (card reader or barcode scanner) and turns each into an event.
import { ReadlineParser } from "@serialport/parser-readline";
import { SerialPort } from "serialport";
import { newEventId, type ScanEvent } from "./outbox.ts";

export interface PortConfig {
  /** Name the API sees, e.g. "door". */
  name: string;
  kind: ScanEvent["kind"];
  path: string;
  baudRate: number;
}

/** "name:kind:path[:baud]" entries separated by commas, e.g. "door:card:/dev/ttyUSB0:9600". */
export function parsePorts(spec: string): PortConfig[] {
  return spec
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [name, kind, path, baud] = entry.split(":");
      if (!name || (kind !== "card" && kind !== "barcode") || !path) {
        throw new Error(`Bad port entry "${entry}": expected name:card|barcode:/dev/path[:baud]`);
      }
      return { name, kind, path, baudRate: baud ? Number(baud) : 9600 };
    });
}

/** A scanned line is printable text; readers add CR/LF and sometimes STX/ETX framing. */
export const cleanScan = (line: string): string =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control framing is the point.
  line.replace(/[\u0000-\u001f\u007f]/g, "").trim();

export function openReader(
  config: PortConfig,
  onEvent: (event: ScanEvent) => Promise<void>,
  onError: (error: Error) => void,
): SerialPort {
  const port = new SerialPort({ path: config.path, baudRate: config.baudRate });
  const lines = port.pipe(new ReadlineParser({ delimiter: "\n", includeDelimiter: false }));
  // Serialize: events reach the outbox in the order they were read.
  let queue = Promise.resolve();
  lines.on("data", (line: string) => {
    const value = cleanScan(line);
    if (value === "") return;
    const event: ScanEvent = {
      id: newEventId(),
      kind: config.kind,
      value,
      source: config.name,
      at: new Date().toISOString(),
    };
    queue = queue.then(() => onEvent(event)).catch(onError);
  });
  port.on("error", onError);
  return port;
}
