#!/usr/bin/env node
// roms-agent: ROMS_API_URL, ROMS_DEVICE_TOKEN, ROMS_PORTS ("door:card:/dev/ttyUSB0:9600,..."), ROMS_OUTBOX.
import { startAgent } from "./agent.ts";
import { parsePorts } from "./reader.ts";

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) {
    console.error(`roms-agent: set ${name} (see agent/README.md)`);
    process.exit(2);
  }
  return value;
};

const agent = await startAgent({
  apiUrl: required("ROMS_API_URL"),
  deviceToken: required("ROMS_DEVICE_TOKEN"),
  ports: parsePorts(required("ROMS_PORTS")),
  outboxDir: process.env.ROMS_OUTBOX ?? "./roms-outbox",
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void agent.stop().then(() => process.exit(0));
  });
}
