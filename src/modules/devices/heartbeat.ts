// A device's heartbeat: the agent says it is alive and how it is doing (its queue, its ports); the answer
// tells it how often to beat and whether an enrolment is armed on it.
import { eq } from "drizzle-orm";
import { getDb } from "../../db";
import { devices } from "../../db/schema/auth";
import type { Env } from "../../env";
import { armedEnrollment, employeeOf, enrollmentView } from "../attendance/enrollment";
import type { Principal } from "../auth/principal";
import type { HeartbeatBody } from "./schemas";

/** A device shows as offline once it has been silent longer than its interval. */
export const deviceStatus = (
  d: { lastSeenAt: string | null; heartbeatSeconds: number; revokedAt: string | null },
  now = Date.now(),
): "revoked" | "never_seen" | "offline" | "online" =>
  d.revokedAt
    ? "revoked"
    : d.lastSeenAt === null
      ? "never_seen"
      : now - Date.parse(d.lastSeenAt) > d.heartbeatSeconds * 1000
        ? "offline"
        : "online";

export async function recordHeartbeat(
  env: Env,
  device: Principal,
  beat: HeartbeatBody,
  agentVersion: string | null,
) {
  const db = getDb(env.DB);
  const now = new Date().toISOString();
  const [[row], [armed]] = await db.batch([
    db
      .update(devices)
      .set({
        lastSeenAt: now,
        lastHeartbeat: { ...beat, at: now },
        ...(agentVersion && { agentVersion: agentVersion.slice(0, 64) }),
      })
      .where(eq(devices.id, device.id))
      .returning({ heartbeatSeconds: devices.heartbeatSeconds }),
    armedEnrollment(db, device.id, now),
  ]);
  return {
    device_id: device.id,
    interval_seconds: row?.heartbeatSeconds ?? 60,
    enrollment: armed
      ? (({ id, employee, armed_at, expires_at }) => ({ id, employee, armed_at, expires_at }))(
          enrollmentView(armed, employeeOf(armed), now),
        )
      : null,
  };
}
