// Where claims are kept: loading a claim with its lines and photos, who may see it, the event writer, the
// version guard its writes carry, and telling its room, the shop's feed and subscribers what changed.
import { asc, eq, sql } from "drizzle-orm";
import { type Db, getDb } from "../../db";
import { claimEvents, claimLines, claimPhotos, claims } from "../../db/schema/claims";
import type { Env } from "../../env";
import { assertion, type DrizzleStatement, type Statement } from "../../lib/batch";
import { newId } from "../../lib/ids";
import { notFound } from "../../lib/problem";
import { claimRoom, publishInOrder } from "../../rooms/stubs";
import { audienceOf, customerScope, type Principal } from "../auth/principal";
import { announce, domainEvent } from "../events/announce";

export type ClaimRow = typeof claims.$inferSelect;
export type ClaimLineRow = typeof claimLines.$inferSelect;
export type PhotoRow = typeof claimPhotos.$inferSelect;
export type ClaimStatus = ClaimRow["status"];

export interface LoadedClaim {
  claim: ClaimRow;
  lines: ClaimLineRow[];
  photos: PhotoRow[];
}

/** Who a change came from, as a claim's timeline and room say it. */
export const claimSource = (principal: Principal) =>
  audienceOf(principal) === "customer" ? "customer" : "staff";

/** A claim with its lines and photos, in one round trip. */
export async function loadClaim(env: Env, id: string): Promise<LoadedClaim | undefined> {
  const db = getDb(env.DB);
  const [claim, lines, photos] = await db.batch([
    db.select().from(claims).where(eq(claims.id, id)),
    db.select().from(claimLines).where(eq(claimLines.claimId, id)),
    db.select().from(claimPhotos).where(eq(claimPhotos.claimId, id)).orderBy(asc(claimPhotos.createdAt)),
  ]);
  return claim[0] ? { claim: claim[0], lines, photos } : undefined;
}

/** The claim as this caller may see it: another customer's claim is 404, as if it did not exist. */
export async function visibleClaim(env: Env, principal: Principal, id: string): Promise<LoadedClaim> {
  const loaded = await loadClaim(env, id);
  const scope = customerScope(principal);
  if (!loaded || (scope !== null && loaded.claim.customerId !== scope)) throw notFound("No such claim.");
  return loaded;
}

export interface ClaimEventInput {
  claimId: string;
  type: string;
  from?: ClaimStatus | null;
  to?: ClaimStatus | null;
  actorId: string | null;
  details?: Record<string, unknown>;
  at: string;
}

/** The one claim event writer: every change of a claim writes one in the same batch. */
export const claimEvent = (db: Db, e: ClaimEventInput): DrizzleStatement =>
  db.insert(claimEvents).values({
    id: newId(),
    claimId: e.claimId,
    type: e.type,
    fromStatus: e.from ?? null,
    toStatus: e.to ?? null,
    actorId: e.actorId,
    details: e.details ?? null,
    createdAt: e.at,
  });

/** The batch is undone unless the claim is still at the status and version it was read at. */
export const claimUnchanged = (db: Db, c: Pick<ClaimRow, "id" | "version" | "status">): Statement =>
  assertion(
    db,
    "claim-unchanged",
    sql`EXISTS (SELECT 1 FROM claims WHERE id = ${c.id} AND version = ${c.version} AND status = ${c.status})`,
  );

/** Moves the claim to a status, one version on. */
export const claimMove = (db: Db, id: string, to: ClaimStatus, at: string, also: Partial<ClaimRow> = {}) =>
  db
    .update(claims)
    .set({ ...also, status: to, version: sql`${claims.version} + 1`, updatedAt: at })
    .where(eq(claims.id, id));

/**
 * Tells what happened to a claim, after its batch: its room (live status for whoever is in it), and the
 * shop's feed and subscribers (claim.filed, claim.status_changed).
 */
export function publishClaim(
  env: Env,
  claim: Pick<ClaimRow, "id" | "orderId" | "customerId">,
  moves: { from: ClaimStatus | null; to: ClaimStatus; source: string }[],
  at: string,
): void {
  const events = moves.map((m) => ({
    type: "claim_status",
    claim_id: claim.id,
    from: m.from,
    to: m.to,
    source: m.source,
  }));
  if (events.length > 0) publishInOrder(claimRoom(env, claim.id), events, { claim_id: claim.id });
  const data = { claim_id: claim.id, order_id: claim.orderId, customer_id: claim.customerId };
  announce(
    env,
    moves.map((m) =>
      m.from === null
        ? domainEvent("claim.filed", { ...data, status: m.to }, at)
        : domainEvent("claim.status_changed", { ...data, from: m.from, to: m.to, source: m.source }, at),
    ),
  );
}
