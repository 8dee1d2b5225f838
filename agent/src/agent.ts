// The agent: serial readers feed the outbox; the forwarder drains it to the API.
import { Forwarder } from "./forwarder.ts";
import { Outbox } from "./outbox.ts";
import { openReader, type PortConfig } from "./reader.ts";

export interface AgentConfig {
  apiUrl: string;
  deviceToken: string;
  outboxDir: string;
  ports: PortConfig[];
  minBackoffMs?: number;
  maxBackoffMs?: number;
  log?: (line: Record<string, unknown>) => void;
}

export async function startAgent(config: AgentConfig) {
  const log = config.log ?? ((line) => console.log(JSON.stringify(line)));
  const outbox = await new Outbox(config.outboxDir).init();
  const forwarder = new Forwarder(outbox, {
    apiUrl: config.apiUrl,
    deviceToken: config.deviceToken,
    log,
    ...(config.minBackoffMs !== undefined && { minBackoffMs: config.minBackoffMs }),
    ...(config.maxBackoffMs !== undefined && { maxBackoffMs: config.maxBackoffMs }),
  });
  const ports = config.ports.map((port) =>
    openReader(
      port,
      async (event) => {
        await outbox.put(event);
        log({ level: "info", msg: "scanned", id: event.id, kind: event.kind, source: event.source });
        forwarder.notify();
      },
      (error) => log({ level: "error", msg: "serial port error", port: port.path, error: String(error) }),
    ),
  );
  forwarder.start();
  return {
    outbox,
    async stop() {
      forwarder.stop();
      await Promise.all(
        ports.map((p) => new Promise<void>((resolve) => (p.isOpen ? p.close(() => resolve()) : resolve()))),
      );
    },
  };
}
