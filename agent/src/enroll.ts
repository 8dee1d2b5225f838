// `roms-agent enroll`: arms card enrollment for an employee at this device, then waits for the API to say
// how it ended: the next card read at the device is bound to the employee, or refused, or nothing came.
import { type Answer, callApi, type Device, problemDetail } from "./api.ts";

const PATH = "/api/v1/devices/enrollment";

export interface EnrollmentRecord {
  id: string;
  device_id: string;
  employee: { id: string; code: string; name: string };
  state: "armed" | "bound" | "refused" | "cancelled" | "expired";
  /** Who armed it: this device, or a member of staff. */
  armed_by: string;
  armed_at: string;
  expires_at: string;
  card_uid: string | null;
  reason: string | null;
  settled_at: string | null;
}

export interface EnrollOptions {
  /** How long to wait for a card before giving up (the enrollment stays armed on the API until it expires). */
  waitSeconds: number;
  /** How often to ask the API; default 1 s. */
  pollMs?: number;
  /** JSON lines only. */
  stdout?: (line: string) => void;
  /** Words for the person running the command. */
  stderr?: (line: string) => void;
}

const isEnrollment = (body: unknown): body is EnrollmentRecord =>
  typeof (body as EnrollmentRecord | undefined)?.id === "string" &&
  typeof (body as EnrollmentRecord).state === "string";

/** Exit code: 0 bound, 1 anything else (refused, expired, cancelled, timed out, or the API said no). */
export async function enroll(device: Device, employeeCode: string, options: EnrollOptions): Promise<number> {
  const stdout = options.stdout ?? ((line) => process.stdout.write(`${line}\n`));
  const stderr = options.stderr ?? ((line) => process.stderr.write(`${line}\n`));
  const pollMs = options.pollMs ?? 1000;
  const failed = (what: string, answer?: Answer) => {
    stderr(`roms-agent: ${what}${answer ? `: ${problemDetail(answer)} (HTTP ${answer.status})` : ""}`);
    return 1;
  };

  let armed: Answer;
  try {
    armed = await callApi(device, "POST", PATH, { employee_code: employeeCode });
  } catch (error) {
    return failed(`could not reach the API at ${device.apiUrl}: ${String(error)}`);
  }
  if ((armed.status !== 201 && armed.status !== 200) || !isEnrollment(armed.body)) {
    return failed(`enrollment for ${employeeCode} not armed`, armed);
  }
  let enrollment = armed.body;
  stdout(JSON.stringify(enrollment));
  const who = `${enrollment.employee.name} (${enrollment.employee.code})`;
  stderr(`Armed for ${who} until ${enrollment.expires_at}: present the card at a reader on this device.`);

  const deadline = Date.now() + options.waitSeconds * 1000;
  while (enrollment.state === "armed" && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(deadline - Date.now(), 0))));
    let answer: Answer;
    try {
      answer = await callApi(device, "GET", PATH);
    } catch {
      continue; // The network may come back before the wait ends.
    }
    if (answer.status >= 500) continue;
    if (answer.status !== 200 || !isEnrollment(answer.body)) {
      stdout(JSON.stringify(enrollment));
      return failed("could not follow the enrollment", answer);
    }
    if (answer.body.id !== enrollment.id) {
      stdout(JSON.stringify(answer.body));
      return failed(`enrollment ${enrollment.id} was replaced by another one (${answer.body.id})`);
    }
    enrollment = answer.body;
  }

  stdout(JSON.stringify(enrollment));
  const card = enrollment.card_uid ? `card ${enrollment.card_uid}` : "the card";
  switch (enrollment.state) {
    case "bound":
      stderr(`Enrolled: ${card} is now ${who}'s.`);
      return 0;
    case "refused":
      return failed(`enrollment refused: ${enrollment.reason ?? `${card} was not accepted`}`);
    case "expired":
      return failed(`enrollment expired at ${enrollment.expires_at} before a card was read`);
    case "cancelled":
      return failed(`enrollment cancelled${enrollment.reason ? `: ${enrollment.reason}` : ""}`);
    case "armed":
      return failed(
        `timed out: no card read within ${options.waitSeconds} s; ` +
          `the enrollment stays armed until ${enrollment.expires_at}`,
      );
    default:
      return failed(`enrollment ended in an unknown state "${String(enrollment.state)}"`);
  }
}
