#!/usr/bin/env node
// `npm run admin:password [-- email]`: a new password for an admin of the local D1 — the first admin when no
// email is given; ADMIN_PASSWORD when set, else a generated one — and every session of theirs ended. For the
// admin whose password was printed once and lost; the same hash as the API's (src/modules/auth/password.ts).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH } from "../src/modules/auth/password.ts";
import { demoLoginsPath, firstAdmin, statePath, withLocalBindings } from "./local.mjs";

const email = process.argv[2]?.trim().toLowerCase();
const given = process.env.ADMIN_PASSWORD ?? "";
const fail = (message) => {
  console.error(message);
  process.exit(1);
};

if (given && given.length < MIN_PASSWORD_LENGTH) {
  fail(`ADMIN_PASSWORD must have at least ${MIN_PASSWORD_LENGTH} characters.`);
}
if (!existsSync(path.join(statePath, "v3", "d1"))) {
  fail("There is no local database yet: npm start (or npm run demo) makes one and its first admin.");
}

const outcome = await withLocalBindings(async ({ DB: db }) => {
  let user;
  try {
    user = email
      ? await db.prepare("SELECT id, email, role, status FROM users WHERE email = ?").bind(email).first()
      : await firstAdmin(db);
  } catch (error) {
    return { problem: `The local database has no users table (${error.message}); run npm start first.` };
  }
  if (!user) return { problem: email ? `No user ${email} in the local database.` : "There is no admin yet." };
  if (user.role !== "admin") {
    return { problem: `${user.email} is a ${user.role}; admins reset other users' passwords in the API.` };
  }
  const password = given || generatePassword();
  const now = new Date().toISOString();
  const [, ended] = await db.batch([
    db
      .prepare("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?")
      .bind(await hashPassword(password), now, user.id),
    db
      .prepare(
        "UPDATE sessions SET revoked_at = ?, revoked_reason = 'password-reset' WHERE user_id = ? AND revoked_at IS NULL",
      )
      .bind(now, user.id),
  ]);
  return { user, password, ended: ended.meta.changes };
});
if (outcome.problem) fail(outcome.problem);

const { user, password, ended } = outcome;
console.log(`New password for ${user.email} (admin): ${given ? "the ADMIN_PASSWORD you set" : password}`);
console.log(
  ended === 0
    ? "They had no open session."
    : `Their ${ended} open session(s) ended; a running ROMS may honour an access token of theirs for up to 30 s more.`,
);
if (user.status !== "active")
  console.log(`Note: this admin is ${user.status}; they cannot sign in until enabled.`);

// Keep the demo's list of sign-ins true when it names this admin.
if (existsSync(demoLoginsPath)) {
  const text = readFileSync(demoLoginsPath, "utf8");
  const updated = text.replace(
    new RegExp(`^(\\S+ +${user.email.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} +)\\S+`, "m"),
    (_, head) => `${head}${password}`,
  );
  if (updated !== text) writeFileSync(demoLoginsPath, updated, { mode: 0o600 });
}
