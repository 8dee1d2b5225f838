// The API's answer to a batch, event by event: the verdict, and what to tell the person at the device (a
// notice, and the outcome of an armed card enrollment).
import type { ScanEvent } from "./outbox.ts";

export type Verdict = "accepted" | "duplicate" | "refused";

/** A card presented while an enrollment was armed: bound to the employee, or refused (e.g. already in use). */
export interface Enrollment {
  status: "bound" | "refused";
  employee: { id: string; code: string; name: string };
  card_uid: string;
  reason?: string;
}

export interface Result {
  verdict: Verdict;
  reason?: string;
  /** A sentence for the person at the device. */
  notice?: string;
  enrollment?: Enrollment;
}

/** On a terminal, a beep and the line; a service's stderr goes to a log, where the JSON line says it already. */
export const alertOnTerminal = (text: string): void => {
  if (process.stderr.isTTY) process.stderr.write(`\x07${text}\n`);
};

function parseEnrollment(value: unknown): Enrollment | undefined {
  const e = value as Partial<Enrollment> | null | undefined;
  const employee = e?.employee;
  if (e?.status !== "bound" && e?.status !== "refused") return undefined;
  if (typeof employee?.name !== "string" || typeof e.card_uid !== "string") return undefined;
  return {
    status: e.status,
    employee: { id: String(employee.id), code: String(employee.code), name: employee.name },
    card_uid: e.card_uid,
    ...(typeof e.reason === "string" && e.reason !== "" && { reason: e.reason }),
  };
}

/** The verdicts of a 200 answer, by event id; undefined unless there is a valid one for every event sent. */
export function parseResults(text: string, batch: ScanEvent[]): Map<string, Result> | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const list = (body as { results?: unknown } | null)?.results;
  if (!Array.isArray(list)) return undefined;
  const results = new Map<string, Result>();
  for (const item of list as { id?: unknown; verdict?: unknown; reason?: unknown; notice?: unknown }[]) {
    if (typeof item?.id !== "string") continue;
    if (item.verdict !== "accepted" && item.verdict !== "duplicate" && item.verdict !== "refused") continue;
    const enrollment = parseEnrollment((item as { enrollment?: unknown }).enrollment);
    results.set(item.id, {
      verdict: item.verdict,
      ...(typeof item.reason === "string" && item.reason !== "" && { reason: item.reason }),
      ...(typeof item.notice === "string" && item.notice !== "" && { notice: item.notice }),
      ...(enrollment && { enrollment }),
    });
  }
  return batch.every((event) => results.has(event.id)) ? results : undefined;
}

/** Logs a result's notice and enrollment, and alerts the person about the enrollment. */
export function tellPerson(
  id: string,
  result: Result,
  log: (line: Record<string, unknown>) => void,
  alert: (text: string) => void,
): void {
  if (result.notice) log({ level: "info", msg: "notice", id, notice: result.notice });
  const enrollment = result.enrollment;
  if (!enrollment) return;
  const bound = enrollment.status === "bound";
  log({
    level: bound ? "info" : "warn",
    msg: bound ? "card enrolled" : "enrollment refused",
    id,
    employee: enrollment.employee,
    card_uid: enrollment.card_uid,
    ...(enrollment.reason && { reason: enrollment.reason }),
  });
  const who = `${enrollment.employee.name} (${enrollment.employee.code})`;
  alert(
    result.notice ??
      (bound
        ? `Card ${enrollment.card_uid} enrolled for ${who}`
        : `Card ${enrollment.card_uid} not enrolled for ${who}: ${enrollment.reason ?? "refused"}`),
  );
}
