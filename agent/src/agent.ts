// The agent: serial readers feed the outbox; the forwarder drains it to the API; heartbeats report on both.
import { Forwarder } from "./forwarder.ts";
import { Heartbeat } from "./heartbeat.ts";
import { Outbox } from "./outbox.ts";
import { openReader, type PortConfig, type ReopenOptions } from "./reader.ts";

export interface AgentConfig extends ReopenOptions {
  apiUrl: string;
  deviceToken: string;
  outboxDir: string;
  ports: PortConfig[];
  /** Events per request, 1 to 200; default 50. */
  batchSize?: number;
  /** A fixed heartbeat period; by default a third of the interval the API asks for. */
  heartbeatSeconds?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  log?: (line: Record<string, unknown>) => void;
  /** Tells the person at the device about an enrollment; default: beep and print on a terminal's stderr. */
  alert?: (text: string) => void;
}

export async function startAgent(config: AgentConfig) {
  const log = config.log ?? ((line) => console.log(JSON.stringify(line)));
  const outbox = await new Outbox(config.outboxDir).init();
  const forwarder = new Forwarder(outbox, {
    apiUrl: config.apiUrl,
    deviceToken: config.deviceToken,
    log,
    ...(config.batchSize !== undefined && { batchSize: config.batchSize }),
    ...(config.minBackoffMs !== undefined && { minBackoffMs: config.minBackoffMs }),
    ...(config.maxBackoffMs !== undefined && { maxBackoffMs: config.maxBackoffMs }),
    ...(config.alert !== undefined && { alert: config.alert }),
  });
  const reopen: ReopenOptions = {
    ...(config.minReopenMs !== undefined && { minReopenMs: config.minReopenMs }),
    ...(config.maxReopenMs !== undefined && { maxReopenMs: config.maxReopenMs }),
  };
  const readers = config.ports.map((port) =>
    openReader(
      port,
      async (event) => {
        await outbox.put(event);
        log({ level: "info", msg: "scanned", id: event.id, kind: event.kind, source: event.source });
        forwarder.notify();
      },
      log,
      reopen,
    ),
  );
  const heartbeat = new Heartbeat({
    apiUrl: config.apiUrl,
    deviceToken: config.deviceToken,
    log,
    ...(config.heartbeatSeconds !== undefined && { periodSeconds: config.heartbeatSeconds }),
    snapshot: async () => {
      const { pending, dead } = await outbox.depth();
      return {
        queue_depth: pending,
        dead,
        last_delivery_at: forwarder.lastDeliveryAt,
        ports: readers.map(({ config: port, isOpen }) => ({
          name: port.name,
          kind: port.kind,
          path: port.path,
          open: isOpen,
        })),
      };
    },
  });
  forwarder.start();
  // The first beat reports the ports as they turned out, not as "not open yet"; it never waits on delivery.
  void Promise.all(readers.map((reader) => reader.firstAttempt)).then(() => heartbeat.start());
  return {
    outbox,
    readers,
    heartbeat,
    async stop() {
      heartbeat.stop();
      forwarder.stop();
      await Promise.all(readers.map((reader) => reader.close()));
    },
  };
}
