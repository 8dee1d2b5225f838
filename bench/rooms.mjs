// The rooms phase of `npm run bench` (BENCH_ONLY=rooms): one order room (the `Room` class every room shares)
// with 100 and then 1,000 people in it, each a user of their own: how long they take to join, and how long
// a chat message posted over REST takes to reach every socket (p50/p99 over sockets and messages).
import { rmSync } from "node:fs";
import path from "node:path";
import { SignJWT } from "jose";
import { applyMigrations, createFirstAdmin, root, serve, withLocalBindings } from "../scripts/local.mjs";
import { generatePassword } from "../src/modules/auth/password.ts";
import { benchVars, percentile } from "./wrk.mjs";

const out = path.join(root, "bench", "out");
const port = 8805;
const SIZES = [100, 1000];
const MESSAGES = 10;

/** Access tokens for `n` staff users written straight into D1, signed with the bench's own secret. */
async function people(state, n) {
  const ids = Array.from({ length: n }, (_, i) => ({
    user: `bench-user-${i}`,
    session: `bench-session-${i}`,
  }));
  await withLocalBindings(
    async (env) => {
      const expires = new Date(Date.now() + 86_400_000).toISOString();
      for (let i = 0; i < ids.length; i += 50) {
        await env.DB.batch(
          ids
            .slice(i, i + 50)
            .flatMap(({ user, session }, j) => [
              env.DB.prepare(
                "INSERT INTO users (id, email, name, role, password_hash) VALUES (?, ?, ?, 'staff', 'unusable')",
              ).bind(user, `${user}@bench.test`, `Bench Person ${i + j}`),
              env.DB.prepare("INSERT INTO sessions (id, user_id, expires_at) VALUES (?, ?, ?)").bind(
                session,
                user,
                expires,
              ),
            ]),
        );
      }
    },
    { persistTo: state },
  );
  const [kid, secret] = [benchVars.JWT_SECRETS.slice(0, 5), benchVars.JWT_SECRETS.slice(6)];
  const key = new TextEncoder().encode(secret);
  return Promise.all(
    ids.map(({ user, session }) =>
      new SignJWT({ sid: session })
        .setProtectedHeader({ alg: "HS256", typ: "JWT", kid })
        .setIssuer("roms")
        .setAudience("roms-api")
        .setSubject(user)
        .setJti(crypto.randomUUID())
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(key),
    ),
  );
}

/**
 * A fresh state with an admin and `n` people, ROMS serving it on `port`, and the admin's headers: what the
 * rooms and stock phases start from.
 */
export async function roomsBench(name, port, n, vars = {}) {
  const state = path.join(out, `${name}-state`);
  rmSync(state, { recursive: true, force: true });
  applyMigrations({ persistTo: state, quiet: true });
  const email = "bench@roms.local";
  const password = generatePassword();
  await withLocalBindings((env) => createFirstAdmin(env.DB, email, password), { persistTo: state });
  const tokens = await people(state, n);
  const roms = await serve({ port, persistTo: state, stdio: "ignore", vars: { ...benchVars, ...vars } });
  try {
    const login = await fetch(`${roms.base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    const admin = {
      authorization: `Bearer ${(await login.json()).access_token}`,
      "content-type": "application/json",
    };
    return { roms, tokens, admin };
  } catch (error) {
    roms.child.kill("SIGTERM");
    throw error;
  }
}

export async function roomsPhase() {
  const { roms, tokens, admin } = await roomsBench("rooms", port, Math.max(...SIZES));
  const sockets = [];
  try {
    console.log("rooms: one order room, each socket a person of its own");
    for (const size of SIZES) {
      const order = await (
        await fetch(`${roms.base}/api/v1/orders/intake`, {
          method: "POST",
          headers: admin,
          body: JSON.stringify({
            source: "bench",
            external_ref: `ROOM-${size}-${Date.now()}`,
            kind: "purchase",
            merchant: "Bench",
            currency: "EUR",
            lines: [{ sku: "X", name: "X", quantity: 1, unit_price: 100 }],
          }),
        })
      ).json();
      const url = `${roms.base.replace("http", "ws")}/api/v1/orders/${order.order.id}/room`;
      const waiting = new Map();
      let joinedFrames = 0;
      const started = performance.now();
      const joined = tokens.slice(0, size).map(
        (token, i) =>
          new Promise((resolve, reject) => {
            const ws = new WebSocket(`${url}?access_token=${token}`);
            sockets.push(ws);
            ws.addEventListener("message", (event) => {
              const frame = JSON.parse(String(event.data));
              if (frame.type === "welcome") resolve();
              if (frame.type === "presence") joinedFrames += frame.joined.length;
              if (frame.type === "message") waiting.get(frame.message.body)?.(i);
            });
            ws.addEventListener("error", () => reject(new Error(`socket ${i} failed`)));
          }),
      );
      await Promise.all(joined);
      const joinSeconds = (performance.now() - started) / 1000;
      // Everyone has heard of everyone who came after them (at least n(n-1)/2 arrivals told): the room is quiet.
      while (joinedFrames < (size * (size - 1)) / 2) await new Promise((r) => setTimeout(r, 50));
      const settledSeconds = (performance.now() - started) / 1000;
      const latencies = [];
      for (let m = 0; m < MESSAGES; m++) {
        const body = `bench ${size} ${m}`;
        let arrived = 0;
        const done = new Promise((resolve) => {
          const sent = performance.now();
          waiting.set(body, () => {
            latencies.push(performance.now() - sent);
            if (++arrived === size) resolve();
          });
        });
        await fetch(`${roms.base}/api/v1/orders/${order.order.id}/messages`, {
          method: "POST",
          headers: admin,
          body: JSON.stringify({ body }),
        });
        await done;
      }
      console.log(
        `${String(size).padStart(5)} sockets: joined in ${joinSeconds.toFixed(1)} s (every presence change delivered at ${settledSeconds.toFixed(1)} s); a message posted over REST reached every socket: p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms (${MESSAGES} messages)`,
      );
      for (const ws of sockets.splice(0)) ws.close();
    }
  } finally {
    for (const ws of sockets) ws.close();
    roms.child.kill("SIGTERM");
  }
}
