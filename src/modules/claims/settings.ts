// The claims policy the automatic review applies (one row; defaults until a manager sets it).
import { eq } from "drizzle-orm";
import { getDb } from "../../db";
import { claimSettings } from "../../db/schema/claims";
import type { Env } from "../../env";
import { type ClaimPolicy, DEFAULT_POLICY } from "./review";

const ID = "claims";

export async function getPolicy(env: Env): Promise<ClaimPolicy> {
  const [row] = await getDb(env.DB).select().from(claimSettings).where(eq(claimSettings.id, ID));
  if (!row) return DEFAULT_POLICY;
  return {
    auto_approve: row.autoApprove,
    auto_approve_max_minor: row.autoApproveMaxMinor,
    window_days: row.windowDays,
    history_days: row.historyDays,
    history_max_claims: row.historyMaxClaims,
  };
}

export async function setPolicy(env: Env, actorId: string, policy: ClaimPolicy): Promise<ClaimPolicy> {
  const values = {
    autoApprove: policy.auto_approve,
    autoApproveMaxMinor: policy.auto_approve_max_minor,
    windowDays: policy.window_days,
    historyDays: policy.history_days,
    historyMaxClaims: policy.history_max_claims,
    updatedBy: actorId,
    updatedAt: new Date().toISOString(),
  };
  await getDb(env.DB)
    .insert(claimSettings)
    .values({ id: ID, ...values })
    .onConflictDoUpdate({ target: claimSettings.id, set: values });
  return policy;
}
