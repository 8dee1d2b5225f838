import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { ConfigError, configFile, loadConfig, parseConfig } from "../src/config.ts";
import { cli, writeConfig } from "./harness.ts";

const FILE = "/etc/roms-agent/roms-agent.json";
const good = {
  api_url: "https://roms.example.com",
  device_token: "file-token",
  ports: [
    { name: "door", path: "/dev/ttyUSB0", profile: "card-reader" },
    { name: "stockroom", path: "COM3", profile: "barcode-scanner", baud_rate: 19200, framing: "crlf" },
  ],
};

/** The problems a config has, one line each. */
function problems(config: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(JSON.stringify(config), FILE, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  return [];
}

describe("the config file", () => {
  it("gives each port its profile's defaults, and the outbox beside the config file", () => {
    assert.deepEqual(parseConfig(JSON.stringify(good), FILE, {}), {
      file: FILE,
      apiUrl: "https://roms.example.com",
      deviceToken: "file-token",
      outboxDir: "/etc/roms-agent/roms-outbox",
      batchSize: 50,
      ports: [
        { name: "door", kind: "card", path: "/dev/ttyUSB0", baudRate: 9600, framing: "crlf" },
        { name: "stockroom", kind: "barcode", path: "COM3", baudRate: 19200, framing: "crlf" },
      ],
    });
    const tuned = parseConfig(
      JSON.stringify({ ...good, outbox: "/var/lib/roms-agent", heartbeat_seconds: 0.5, batch_size: 200 }),
      FILE,
      {},
    );
    assert.deepEqual(
      [tuned.outboxDir, tuned.heartbeatSeconds, tuned.batchSize],
      ["/var/lib/roms-agent", 0.5, 200],
    );
    assert.equal(
      parseConfig(JSON.stringify({ ...good, outbox: "spool" }), FILE, {}).outboxDir,
      "/etc/roms-agent/spool",
    );
  });

  it("takes ROMS_DEVICE_TOKEN over the file's token, and needs one of the two", () => {
    assert.equal(
      parseConfig(JSON.stringify(good), FILE, { ROMS_DEVICE_TOKEN: "env-token" }).deviceToken,
      "env-token",
    );
    const { device_token: _, ...tokenless } = good;
    assert.equal(
      parseConfig(JSON.stringify(tokenless), FILE, { ROMS_DEVICE_TOKEN: "env-token" }).deviceToken,
      "env-token",
    );
    assert.deepEqual(problems(tokenless), ["device_token: required (or set ROMS_DEVICE_TOKEN)"]);
    assert.deepEqual(problems(tokenless, { ROMS_DEVICE_TOKEN: "" }), [
      "device_token: required (or set ROMS_DEVICE_TOKEN)",
    ]);
    // `status` only reads the disk: it works without the secret.
    assert.equal(parseConfig(JSON.stringify(tokenless), FILE, {}, { requireToken: false }).deviceToken, "");
  });

  it("names the field in one line per problem", () => {
    assert.deepEqual(
      problems({
        api_url: "ftp://roms.example.com",
        device_token: 42,
        outbox: "",
        heartbeat_seconds: 0,
        batch_size: 500,
        ports: [
          { name: "door", path: "/dev/ttyUSB0", profile: "card-reader", baud_rate: "9600" },
          { name: "", path: "/dev/ttyUSB1", profile: "printer", framing: "etx" },
          { name: "door", path: "/dev/ttyUSB0", profile: "barcode-scanner", baud: 9600 },
          "COM4",
        ],
      }),
      [
        'api_url: expected an http or https URL, e.g. "https://roms.example.com"',
        "device_token: expected a non-empty string",
        'outbox: expected a directory, e.g. "/var/lib/roms-agent"',
        "heartbeat_seconds: expected a positive number",
        "batch_size: expected an integer from 1 to 200",
        "ports[0].baud_rate: expected a positive integer, e.g. 9600",
        'ports[1].name: expected a non-empty string of at most 64 characters, e.g. "door"',
        'ports[1].profile: expected "card-reader" or "barcode-scanner"',
        'ports[1].framing: expected "lf", "cr", "crlf" or "stx-etx"',
        "ports[2].baud: unknown field (known: name, path, profile, baud_rate, framing)",
        "ports[3]: expected an object with name, path and profile",
      ],
    );
    assert.deepEqual(problems({ ...good, ports: [good.ports[0], good.ports[0]] }), [
      'ports[1].name: "door" is already the name of another port',
      'ports[1].path: "/dev/ttyUSB0" is already the path of another port',
    ]);
    assert.deepEqual(problems({ ...good, api_url: "https://roms.example.com/api/v1" }), [
      'api_url: expected the address of the API without a path, e.g. "https://roms.example.com"',
    ]);
    assert.deepEqual(problems({ ...good, api_url: undefined, ports: [], heartbeat: 5 }), [
      "heartbeat: unknown field (known: api_url, device_token, outbox, heartbeat_seconds, batch_size, ports)",
      "api_url: required",
      "ports: expected an array of 1 to 32 ports",
    ]);
    assert.deepEqual(problems([good]), ["expected a JSON object"]);
  });

  it("reports a missing or unreadable file", async () => {
    await assert.rejects(loadConfig("/nowhere/roms-agent.json", {}), (error: ConfigError) => {
      assert.deepEqual(error.problems, ["no such file (pass --config FILE or set ROMS_AGENT_CONFIG)"]);
      return true;
    });
    assert.throws(() => parseConfig("{ api_url: 1 }", FILE, {}), /roms-agent\.json: not valid JSON/);
  });

  it("is found by --config, else ROMS_AGENT_CONFIG, else ./roms-agent.json", () => {
    assert.equal(configFile("/a/b.json", { ROMS_AGENT_CONFIG: "/c/d.json" }), "/a/b.json");
    assert.equal(configFile(undefined, { ROMS_AGENT_CONFIG: "/c/d.json" }), "/c/d.json");
    assert.equal(configFile(undefined, {}), path.resolve("roms-agent.json"));
  });

  it("the example config is a valid one, with the token left to the environment", async () => {
    const example = new URL("../roms-agent.example.json", import.meta.url);
    const config = parseConfig(await readFile(example, "utf8"), example.pathname, { ROMS_DEVICE_TOKEN: "t" });
    assert.deepEqual(
      config.ports.map((p) => [p.name, p.kind, p.framing]),
      [
        ["door", "card", "crlf"],
        ["stockroom", "barcode", "cr"],
      ],
    );
  });

  it("a bad config stops the CLI with exit code 2 and one line per problem", async () => {
    const file = await writeConfig({
      api_url: "https://roms.example.com",
      ports: [{ name: "door", path: "/dev/x" }],
    });
    for (const command of ["start", "status"]) {
      const run = cli([command, "--config", file]);
      assert.equal(await run.exited, 2);
      assert.equal(run.stdout, "");
      const lines = run.stderr.trim().split("\n");
      assert.ok(
        lines.includes(`roms-agent: ${file}: ports[0].profile: expected "card-reader" or "barcode-scanner"`),
      );
      // start needs the token; status only reads the disk.
      assert.equal(
        lines.includes(`roms-agent: ${file}: device_token: required (or set ROMS_DEVICE_TOKEN)`),
        command === "start",
      );
    }
  });
});
