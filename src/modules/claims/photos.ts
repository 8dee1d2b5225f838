// A claim's photos: the type read from the bytes (JPEG, PNG, WebP or HEIC; anything else refused), the
// location metadata removed before the bytes are kept in R2, size and count limits, and serving them only
// to the claim's customer and staff.
import { and, eq } from "drizzle-orm";
import { getDb } from "../../db";
import { claimPhotos } from "../../db/schema/claims";
import type { Env } from "../../env";
import { sha256Hex } from "../../lib/hash";
import { newId } from "../../lib/ids";
import { conflict, notFound, Problem, unprocessable } from "../../lib/problem";
import type { Principal } from "../auth/principal";
import { detectImage, stripLocation, UnreadablePhoto } from "./photo-bytes";
import { claimEvent, loadClaim, visibleClaim } from "./store";
import { toClaimView } from "./view";

export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const MAX_PHOTOS = 8;
/** Photos are added while the customer is telling (open) or a person asks for more (manual_review). */
const TAKES_PHOTOS = ["open", "manual_review"];

export async function addPhoto(
  env: Env,
  principal: Principal,
  claimId: string,
  body: ArrayBuffer,
  filename: string | null,
) {
  const { claim, photos } = await visibleClaim(env, principal, claimId);
  if (!TAKES_PHOTOS.includes(claim.status)) {
    throw conflict(`The claim is ${claim.status}; photos are added while it is open or in manual review.`);
  }
  const bytes = new Uint8Array(body);
  if (bytes.byteLength > MAX_PHOTO_BYTES) {
    throw new Problem({
      status: 413,
      slug: "payload-too-large",
      title: "Body too large",
      detail: `A photo is at most ${MAX_PHOTO_BYTES / 1024 / 1024} MiB; this one is ${(bytes.byteLength / 1024 / 1024).toFixed(1)} MiB.`,
    });
  }
  const image = detectImage(bytes);
  if (!image) {
    throw unprocessable(
      `${filename ? `"${filename}"` : "The upload"} is not a JPEG, PNG, WebP or HEIC image (the type is read from the bytes, not the name).`,
    );
  }
  if (photos.length >= MAX_PHOTOS) throw conflict(`A claim holds at most ${MAX_PHOTOS} photos.`);
  let clean: Uint8Array<ArrayBuffer>;
  try {
    clean = new Uint8Array(stripLocation(bytes, image.type));
  } catch (error) {
    if (error instanceof UnreadablePhoto) throw unprocessable(`The photo cannot be kept: ${error.message}.`);
    throw error;
  }
  const hash = await sha256Hex(clean.buffer);
  const same = photos.find((p) => p.sha256 === hash);
  if (same) return { photo: same, created: false };
  const id = newId();
  const key = `claims/${claim.id}/${id}.${image.ext}`;
  // Kept first: a row never points at bytes that are not there.
  await env.FILES.put(key, clean, { httpMetadata: { contentType: image.type } });
  const db = getDb(env.DB);
  const at = new Date().toISOString();
  const row = {
    id,
    claimId: claim.id,
    contentType: image.type,
    bytes: clean.byteLength,
    sha256: hash,
    key,
    filename,
    uploadedBy: principal.id,
    createdAt: at,
  };
  await db.batch([
    db.insert(claimPhotos).values(row).onConflictDoNothing(),
    claimEvent(db, {
      claimId: claim.id,
      type: "photo",
      actorId: principal.id,
      details: { photo_id: id },
      at,
    }),
  ]);
  return { photo: row, created: true };
}

/** The photo's bytes as kept (without location), for the claim's customer and staff only. */
export async function photoBytes(env: Env, principal: Principal, claimId: string, photoId: string) {
  await visibleClaim(env, principal, claimId);
  const [photo] = await getDb(env.DB)
    .select()
    .from(claimPhotos)
    .where(and(eq(claimPhotos.id, photoId), eq(claimPhotos.claimId, claimId)));
  if (!photo) throw notFound("No such photo.");
  const object = await env.FILES.get(photo.key);
  if (!object) throw notFound("The photo's bytes are missing.");
  return { photo, body: object.body };
}

export const claimAfterPhoto = async (env: Env, id: string) =>
  toClaimView((await loadClaim(env, id)) as NonNullable<Awaited<ReturnType<typeof loadClaim>>>);
