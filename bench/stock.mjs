// The stock phase of `npm run bench` (BENCH_ONLY=stock): one location's room with 100 and then 1,000 people
// in it — how long a movement takes from its REST write to its arrival on every socket (p50/p99 over sockets
// and movements) — and one count session's room taking +1 scans from ten counters at once (scans applied
// per second, each acknowledged to its sender).
import { roomsBench } from "./rooms.mjs";
import { percentile } from "./wrk.mjs";

const port = 8806;
const SIZES = [100, 1000];
const MOVEMENTS = 20;
const COUNTERS = 10;
const SCANS_EACH = 300;

const open = (url) =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const frames = [];
    ws.addEventListener("message", (event) => {
      const frame = JSON.parse(String(event.data));
      if (frame.type === "welcome") resolve(ws);
      for (const listener of ws.listeners ?? []) listener(frame);
      frames.push(frame);
    });
    ws.addEventListener("error", () => reject(new Error("socket failed")));
    ws.listeners = [];
  });

export async function stockPhase() {
  const { roms, tokens, admin } = await roomsBench("stock", port, Math.max(...SIZES));
  const sockets = [];
  try {
    const post = async (route, body) => {
      const res = await fetch(`${roms.base}/api/v1${route}`, {
        method: "POST",
        headers: admin,
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${route}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const product = async (i) =>
      post("/products", {
        sku: `BENCH-${i}-${Date.now()}`,
        name: `Bench item ${i}`,
        price: { amount: 500, currency: "EUR" },
      });

    console.log("stock: one location's room, each socket a person of its own");
    for (const size of SIZES) {
      const location = await post("/inventory/locations", { name: `Bench ${size}`, kind: "warehouse" });
      const item = await product(`room-${size}`);
      const url = `${roms.base.replace("http", "ws")}/api/v1/inventory/locations/${location.id}/room`;
      const arrivals = new Map();
      const started = performance.now();
      const joined = await Promise.all(
        tokens.slice(0, size).map(async (token) => {
          const ws = await open(`${url}?access_token=${token}`);
          sockets.push(ws);
          ws.listeners.push((frame) => {
            if (frame.type === "movement") arrivals.get(frame.seq)?.();
          });
          return ws;
        }),
      );
      const joinSeconds = (performance.now() - started) / 1000;
      await new Promise((r) => setTimeout(r, 1500)); // presence settles
      const latencies = [];
      for (let m = 1; m <= MOVEMENTS; m++) {
        let arrived = 0;
        const sent = performance.now();
        const done = new Promise((resolve) =>
          arrivals.set(m, () => {
            latencies.push(performance.now() - sent);
            if (++arrived === joined.length) resolve();
          }),
        );
        await post("/inventory/adjustments", {
          product_id: item.id,
          location_id: location.id,
          delta: 1,
          kind: "receive",
        });
        await done;
      }
      console.log(
        `${String(size).padStart(5)} sockets: joined in ${joinSeconds.toFixed(1)} s; a movement from its REST write to every socket: p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms (${MOVEMENTS} movements)`,
      );
      for (const ws of sockets.splice(0)) ws.close();
    }

    // A count: ten counters, each on a product of their own, scanning as fast as the room answers.
    const location = await post("/inventory/locations", { name: "Bench count", kind: "warehouse" });
    const items = [];
    for (let i = 0; i < COUNTERS; i++) {
      const p = await product(`count-${i}`);
      await post("/inventory/adjustments", {
        product_id: p.id,
        location_id: location.id,
        delta: 5,
        kind: "receive",
      });
      items.push(p);
    }
    const session = await post("/inventory/count-sessions", { location_id: location.id });
    const countUrl = `${roms.base.replace("http", "ws")}/api/v1/inventory/count-sessions/${session.id}/room`;
    const counters = await Promise.all(
      tokens.slice(0, COUNTERS).map((t) => open(`${countUrl}?access_token=${t}`)),
    );
    sockets.push(...counters);
    const begun = performance.now();
    await Promise.all(
      counters.map(
        (ws, i) =>
          new Promise((resolve) => {
            let acked = 0;
            ws.listeners.push((frame) => {
              if (frame.type === "line" && frame.op?.startsWith(`c${i}-`) && ++acked === SCANS_EACH)
                resolve();
            });
            for (let n = 0; n < SCANS_EACH; n++)
              ws.send(JSON.stringify({ type: "scan", code: items[i].sku, op: `c${i}-${n}` }));
          }),
      ),
    );
    const elapsed = (performance.now() - begun) / 1000;
    const total = COUNTERS * SCANS_EACH;
    console.log(
      `count session: ${total} scans from ${COUNTERS} counters applied and acknowledged in ${elapsed.toFixed(2)} s = ${(total / elapsed).toFixed(0)} scans/s`,
    );
  } finally {
    for (const ws of sockets) ws.close();
    roms.child.kill("SIGTERM");
  }
}
