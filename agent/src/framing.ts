// Splits a serial byte stream into reads, the way the device frames them: a line ending, or STX ... ETX.
export const FRAMINGS = ["lf", "cr", "crlf", "stx-etx"] as const;
export type Framing = (typeof FRAMINGS)[number];

const DELIMITERS: Record<Exclude<Framing, "stx-etx">, Buffer> = {
  lf: Buffer.from("\n"),
  cr: Buffer.from("\r"),
  crlf: Buffer.from("\r\n"),
};
const STX = 0x02;
const ETX = 0x03;

/** No card UID or barcode is this long: without an end in sight, the framing or baud rate is wrong. */
export const MAX_READ_BYTES = 1024;

export interface Framed {
  /** Whole reads, in order, decoded as UTF-8 (control characters are left for cleanScan). */
  reads: string[];
  /** True when bytes were thrown away because no read ended within MAX_READ_BYTES. */
  overflow: boolean;
}

export class Framer {
  readonly framing: Framing;
  #buffer: Buffer = Buffer.alloc(0);
  /** stx-etx only: between an STX and its ETX. */
  #inFrame = false;

  constructor(framing: Framing) {
    this.framing = framing;
  }

  push(chunk: Buffer): Framed {
    return this.framing === "stx-etx" ? this.#pushStxEtx(chunk) : this.#pushDelimited(chunk);
  }

  #pushDelimited(chunk: Buffer): Framed {
    const delimiter = DELIMITERS[this.framing as keyof typeof DELIMITERS];
    let buffer = Buffer.concat([this.#buffer, chunk]);
    const reads: string[] = [];
    for (let end = buffer.indexOf(delimiter); end !== -1; end = buffer.indexOf(delimiter)) {
      reads.push(buffer.subarray(0, end).toString("utf8"));
      buffer = buffer.subarray(end + delimiter.length);
    }
    const overflow = buffer.length > MAX_READ_BYTES;
    this.#buffer = overflow ? Buffer.alloc(0) : buffer;
    return { reads, overflow };
  }

  #pushStxEtx(chunk: Buffer): Framed {
    const reads: string[] = [];
    let overflow = false;
    let frame = this.#buffer;
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte === STX) {
        // A new frame before the last one ended: the last one was cut off, so it is not a read.
        this.#inFrame = true;
        frame = Buffer.alloc(0);
        start = i + 1;
      } else if (byte === ETX && this.#inFrame) {
        reads.push(Buffer.concat([frame, chunk.subarray(start, i)]).toString("utf8"));
        this.#inFrame = false;
        frame = Buffer.alloc(0);
      }
    }
    // Bytes outside a frame (a CR/LF after ETX, line noise) are not part of any read.
    if (this.#inFrame) {
      frame = Buffer.concat([frame, chunk.subarray(start)]);
      if (frame.length > MAX_READ_BYTES) {
        overflow = true;
        this.#inFrame = false;
        frame = Buffer.alloc(0);
      }
    }
    this.#buffer = frame;
    return { reads, overflow };
  }
}
