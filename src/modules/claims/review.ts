// The automatic review of a claim: deterministic rules, each with its verdict in words, so that anyone can
// see why a claim was approved on its own or sent to a person. Photos are not judged here: a vision model
// can be plugged in through PhotoInspector later; until then the review says it did not look at them.
import type { CLAIM_REASONS, ClaimReview } from "../../db/schema/claims";
import { formatMinor } from "../../lib/money";

export interface ClaimPolicy {
  /** Approve claims that pass every rule without a person. Off until staff switch it on. */
  auto_approve: boolean;
  /** The most a claim may be worth (minor units of its order's currency) to be approved on its own. */
  auto_approve_max_minor: number;
  /** Days after delivery within which a claim may be approved on its own. */
  window_days: number;
  /** How far back the customer's claims are counted, in days … */
  history_days: number;
  /** … and how many earlier claims in that time still allow an automatic approval (fewer than this). */
  history_max_claims: number;
}

export const DEFAULT_POLICY: ClaimPolicy = {
  auto_approve: false,
  auto_approve_max_minor: 5_000,
  window_days: 30,
  history_days: 90,
  history_max_claims: 2,
};

/** Reasons whose evidence is a picture: the review wants at least one photo on such a claim. */
export const NEEDS_PHOTOS: readonly (typeof CLAIM_REASONS)[number][] = ["damaged", "wrong_item", "quality"];

export interface ReviewInput {
  currency: string;
  claimed_minor: number;
  reasons: (typeof CLAIM_REASONS)[number][];
  photos: number;
  delivered_at: string | null;
  submitted_at: string;
  /** The customer's other claims submitted within the policy's history window. */
  earlier_claims: number;
}

/** A seam for a vision model that looks at a claim's photos; none is configured today. */
export interface PhotoInspector {
  name: string;
  inspect(photos: { key: string; contentType: string }[]): Promise<string[]>;
}

const DAY = 86_400_000;

/**
 * The verdict: `approve` only when automatic approval is on and every rule passes; otherwise
 * `manual_review`. Never an automatic rejection: refusing a customer is a person's call.
 */
export function reviewClaim(
  input: ReviewInput,
  policy: ClaimPolicy,
  photos: ClaimReview["photos"] = null,
): ClaimReview {
  const money = (minor: number) => `${formatMinor(minor, input.currency)} ${input.currency}`;
  const days =
    input.delivered_at === null
      ? null
      : Math.floor((Date.parse(input.submitted_at) - Date.parse(input.delivered_at)) / DAY);
  const needPhotos = input.reasons.filter((r) => NEEDS_PHOTOS.includes(r));
  const reasons: ClaimReview["reasons"] = [
    {
      rule: "window",
      passed: days !== null && days <= policy.window_days,
      detail:
        days === null
          ? "The order has no delivery date."
          : `Filed ${days} day${days === 1 ? "" : "s"} after delivery; the window is ${policy.window_days} days.`,
    },
    {
      rule: "value",
      passed: input.claimed_minor <= policy.auto_approve_max_minor,
      detail: `Claimed ${money(input.claimed_minor)}; automatic approval goes up to ${money(policy.auto_approve_max_minor)}.`,
    },
    {
      rule: "history",
      passed: input.earlier_claims < policy.history_max_claims,
      detail: `${input.earlier_claims} other claim${input.earlier_claims === 1 ? "" : "s"} in the last ${policy.history_days} days; automatic approval allows fewer than ${policy.history_max_claims}.`,
    },
    {
      rule: "photos",
      passed: needPhotos.length === 0 || input.photos > 0,
      detail:
        needPhotos.length === 0
          ? "No line needs a photo (missing, late or other)."
          : input.photos > 0
            ? `${input.photos} photo${input.photos === 1 ? "" : "s"} for ${[...new Set(needPhotos)].join(", ")}${photos ? "" : " (not inspected: no vision model is configured)"}.`
            : `Lines claimed as ${[...new Set(needPhotos)].join(", ")} need at least one photo.`,
    },
    {
      rule: "auto_approve",
      passed: policy.auto_approve,
      detail: policy.auto_approve
        ? "Automatic approval is on."
        : "Automatic approval is off: a person decides every claim.",
    },
  ];
  return {
    verdict: reasons.every((r) => r.passed) ? "approve" : "manual_review",
    reasons,
    photos,
    at: input.submitted_at,
  };
}

/** The photo inspector of this deployment: none yet (a vision model would be wired here). */
export const photoInspector = (): PhotoInspector | null => null;
