// Attacks on access tokens: every forged, stale or altered token is refused with the same 401 problem.
import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { bearer, call, problemOf, type SeededUser, seedUser, signIn } from "./helpers";

const [kid, secret] = ((env.JWT_SECRETS ?? "").split(",")[0] as string).split(/:(.*)/s) as [string, string];
const realKey = new TextEncoder().encode(secret);
const b64url = (value: unknown) =>
  btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

async function expectRefused(token: string) {
  const res = await call("/api/v1/auth/me", { headers: bearer(token) });
  expect(res.status).toBe(401);
  const problem = await problemOf(res);
  expect(problem.type).toBe("/problems/unauthorized");
  expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
}

describe("access tokens", () => {
  let user: SeededUser;
  let good: string;
  let sid: string;
  beforeAll(async () => {
    user = await seedUser("staff");
    good = (await signIn(user)).access_token;
    sid = JSON.parse(atob((good.split(".")[1] as string).replaceAll("-", "+").replaceAll("_", "/"))).sid;
  });

  const claims = () => ({ sid, iss: "roms", aud: "roms-api", sub: user.id });

  it("a genuine token works", async () => {
    const res = await call("/api/v1/auth/me", { headers: bearer(good) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ kind: "user", id: user.id, role: "staff" });
  });

  it("refuses alg: none", async () => {
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${b64url({ alg: "none", typ: "JWT", kid })}.${b64url({ ...claims(), iat: now, exp: now + 300, jti: "x" })}.`;
    await expectRefused(unsigned);
  });

  it("refuses a token signed with another key, under our kid or another", async () => {
    const otherKey = new TextEncoder().encode("an-attacker-chosen-secret-of-sufficient-length!");
    for (const header of [{ alg: "HS256", kid }, { alg: "HS256", kid: "attacker" }, { alg: "HS256" }]) {
      const forged = await new SignJWT({ sid })
        .setProtectedHeader(header)
        .setIssuer("roms")
        .setAudience("roms-api")
        .setSubject(user.id)
        .setJti("forged")
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(otherKey);
      await expectRefused(forged);
    }
  });

  it("refuses an expired token", async () => {
    const expired = await new SignJWT({ sid })
      .setProtectedHeader({ alg: "HS256", kid })
      .setIssuer("roms")
      .setAudience("roms-api")
      .setSubject(user.id)
      .setJti("old")
      .setIssuedAt(Math.floor(Date.now() / 1000) - 600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 300)
      .sign(realKey);
    await expectRefused(expired);
  });

  it("refuses a token issued for another audience or by another issuer", async () => {
    for (const [iss, aud] of [
      ["roms", "some-other-api"],
      ["someone-else", "roms-api"],
    ]) {
      const token = await new SignJWT({ sid })
        .setProtectedHeader({ alg: "HS256", kid })
        .setIssuer(iss as string)
        .setAudience(aud as string)
        .setSubject(user.id)
        .setJti("aud")
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(realKey);
      await expectRefused(token);
    }
  });

  it("refuses a token whose payload was tampered with", async () => {
    const admin = await seedUser("admin");
    const [header, payload, signature] = good.split(".") as [string, string, string];
    const decoded = JSON.parse(atob(payload.replaceAll("-", "+").replaceAll("_", "/")));
    const tampered = `${header}.${b64url({ ...decoded, sub: admin.id })}.${signature}`;
    await expectRefused(tampered);
  });

  it("refuses garbage, a refresh token used as an access token, and a non-Bearer scheme", async () => {
    await expectRefused("not-a-token");
    const { refresh_token } = await signIn(user);
    await expectRefused(refresh_token);
    const basic = await call("/api/v1/auth/me", { headers: { authorization: `Basic ${btoa("a:b")}` } });
    expect(basic.status).toBe(401);
  });

  it("still accepts tokens signed with an older key that is listed for verification", async () => {
    const [oldKid, oldSecret] = ((env.JWT_SECRETS ?? "").split(",")[1] as string).split(/:(.*)/s) as [
      string,
      string,
    ];
    const signedWithOld = await new SignJWT({ sid })
      .setProtectedHeader({ alg: "HS256", kid: oldKid })
      .setIssuer("roms")
      .setAudience("roms-api")
      .setSubject(user.id)
      .setJti("rotated")
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(oldSecret));
    expect((await call("/api/v1/auth/me", { headers: bearer(signedWithOld) })).status).toBe(200);
  });
});
