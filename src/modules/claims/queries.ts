// Lists of claims: the manual-review queue oldest first (who waited longest comes first), any other list
// newest first; a customer sees their own. And a claim's timeline.
import { and, asc, eq, gt, inArray, or } from "drizzle-orm";
import { getDb } from "../../db";
import { claimEvents, claimLines, claimPhotos, claims } from "../../db/schema/claims";
import type { Env } from "../../env";
import { decodeNewest, newestFirst, toPage } from "../../lib/pagination";
import { customerScope, type Principal } from "../auth/principal";
import { type ClaimRow, visibleClaim } from "./store";
import { toClaimView } from "./view";

export interface ClaimFilter {
  status?: ClaimRow["status"] | undefined;
  order_id?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

async function withParts(env: Env, rows: ClaimRow[]) {
  if (rows.length === 0) return [];
  const db = getDb(env.DB);
  const ids = rows.map((r) => r.id);
  const [lines, photos] = await db.batch([
    db.select().from(claimLines).where(inArray(claimLines.claimId, ids)),
    db
      .select()
      .from(claimPhotos)
      .where(inArray(claimPhotos.claimId, ids))
      .orderBy(asc(claimPhotos.createdAt)),
  ]);
  return rows.map((claim) =>
    toClaimView({
      claim,
      lines: lines.filter((l) => l.claimId === claim.id),
      photos: photos.filter((p) => p.claimId === claim.id),
    }),
  );
}

export async function listClaims(env: Env, principal: Principal, filter: ClaimFilter) {
  const db = getDb(env.DB);
  const scope = customerScope(principal);
  const where = [
    scope !== null ? eq(claims.customerId, scope) : undefined,
    filter.order_id ? eq(claims.orderId, filter.order_id) : undefined,
  ];
  if (filter.status === "manual_review") {
    // The queue: oldest submission first, paged forwards.
    const after = decodeNewest(filter.cursor);
    const rows = await db
      .select()
      .from(claims)
      .where(
        and(
          eq(claims.status, "manual_review"),
          ...where,
          after &&
            or(
              gt(claims.submittedAt, String(after[0])),
              and(eq(claims.submittedAt, String(after[0])), gt(claims.id, after[1])),
            ),
        ),
      )
      .orderBy(asc(claims.submittedAt), asc(claims.id))
      .limit(filter.limit + 1);
    const page = toPage(rows, filter.limit, (r) => [r.submittedAt ?? "", r.id]);
    return { items: await withParts(env, page.items), next_cursor: page.next_cursor };
  }
  const page = await newestFirst(
    db.select().from(claims).$dynamic(),
    { time: claims.createdAt, id: claims.id },
    [...where, filter.status ? eq(claims.status, filter.status) : undefined],
    filter,
    (r) => [r.createdAt, r.id],
  );
  return { items: await withParts(env, page.items), next_cursor: page.next_cursor };
}

export async function claimTimeline(env: Env, principal: Principal, id: string) {
  await visibleClaim(env, principal, id);
  const rows = await getDb(env.DB)
    .select()
    .from(claimEvents)
    .where(eq(claimEvents.claimId, id))
    .orderBy(asc(claimEvents.createdAt), asc(claimEvents.id));
  return rows.map((e) => ({
    id: e.id,
    type: e.type,
    from: e.fromStatus,
    to: e.toStatus,
    actor_id: e.actorId,
    details: e.details,
    at: e.createdAt,
  }));
}
