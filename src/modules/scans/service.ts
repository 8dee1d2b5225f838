// Scanning: a code is resolved to what it names, with the actions its context allows (count +1 in an open
// count, receive into a location, pick a line, look up); an action asked for is done by the module that owns
// it. Every scan is recorded with its outcome — unknown codes and refusals too — and a scan sent again with
// its scan_id answers as the first time and does nothing more.
import { and, eq, type SQL } from "drizzle-orm";
import { getDb } from "../../db";
import { scans } from "../../db/schema/warehouse";
import type { Env } from "../../env";
import { newId } from "../../lib/ids";
import { newestFirst } from "../../lib/pagination";
import { conflict, notFound, Problem, unprocessable } from "../../lib/problem";
import type { Member } from "../../rooms/frames";
import type { Principal } from "../auth/principal";
import { scanIntoCount } from "../counts/sessions";
import { adjustStock } from "../inventory/moves";
import { pickItem } from "../picking/pick";
import { resolveCode, type Target } from "./resolve";
import type { ScanAnswer, ScanInput } from "./schemas";

type Action = ScanAnswer["action"];
type Stored = {
  status: number;
  body?: ScanAnswer;
  problem?: { slug: string; title: string; detail?: string | undefined };
};

const may = (p: Principal, permission: string) =>
  p.kind === "device" || (p.permissions as readonly string[]).includes(permission);

/** What a target allows in the scan's context, for this scanner. */
function allowedActions(target: Target, input: ScanInput, p: Principal): Action[] {
  const actions: Action[] = ["look_up"];
  if (target.kind !== "product") return actions;
  if (input.count_session_id && may(p, "inventory:write")) actions.push("count");
  if (input.location_id && may(p, "inventory:write")) actions.push("receive");
  if (input.pick_list_id && may(p, "orders:write")) actions.push("pick");
  return actions;
}

const WHAT = { order: "an order", pick_list: "a pick list", location: "a location", bin: "a bin" } as const;
const DONE = { look_up: "looked up", count: "counted", receive: "received", pick: "picked" } as const;

const memberOfScanner = (p: Principal): Member => ({ id: p.id, name: p.name, role: p.role ?? p.kind });

async function act(env: Env, p: Principal, input: ScanInput, target: Target, action: Action, scanId: string) {
  if (action === "look_up" || target.kind !== "product") return null;
  if (action === "count") {
    const counted = await scanIntoCount(
      env,
      input.count_session_id as string,
      memberOfScanner(p),
      input.code,
      scanId,
    );
    if ("refused" in counted) throw conflict(counted.refused);
    return { line: counted.line };
  }
  if (action === "receive") {
    return adjustStock(
      env,
      {
        productId: target.id,
        locationId: input.location_id as string,
        delta: input.quantity,
        kind: "receive",
      },
      { actorId: p.id, reason: `Scanned ${input.code}`, referenceType: "scan", referenceId: scanId },
    );
  }
  return {
    pick_list: await pickItem(env, p, {
      pickListId: input.pick_list_id as string,
      productId: target.id,
      quantity: input.quantity,
      scanId,
    }),
  };
}

const replay = (stored: Stored): ScanAnswer => {
  if (stored.body) return stored.body;
  throw new Problem({
    status: stored.status,
    slug: "scan-refused",
    title: "Scan refused",
    ...stored.problem,
  });
};

export async function scan(env: Env, p: Principal, input: ScanInput): Promise<ScanAnswer> {
  const db = getDb(env.DB);
  const action = input.action ?? "look_up";
  const id = newId();
  const clientId = input.scan_id ?? null;
  if (clientId !== null) {
    // Claimed before anything is done, so that a scan sent twice at once is done once.
    const [claimed] = await db
      .insert(scans)
      .values({
        id,
        actorId: p.id,
        clientId,
        code: input.code,
        action,
        outcome: "refused",
        detail: "in progress",
        scannedAt: new Date().toISOString(),
      })
      .onConflictDoNothing()
      .returning({ id: scans.id });
    if (!claimed) {
      const [first] = await db
        .select()
        .from(scans)
        .where(and(eq(scans.actorId, p.id), eq(scans.clientId, clientId)));
      if (!first?.answer) throw conflict("This scan is still being applied; send it again in a moment.");
      return replay(first.answer as Stored);
    }
  }
  const target = await resolveCode(env, input.code);
  let stored: Stored;
  try {
    if (!target)
      throw notFound(
        `Nothing has the code "${input.code}": no product barcode or SKU, order number, pick list, or location or bin label.`,
      );
    const actions = allowedActions(target, input, p);
    if (!actions.includes(action)) {
      throw unprocessable(
        target.kind !== "product"
          ? `${target.label} is ${WHAT[target.kind]}; only a product can be ${DONE[action]}.`
          : `To ${action} ${target.label}, scan it with ${action === "count" ? "count_session_id" : action === "receive" ? "location_id" : "pick_list_id"} (and the permission to do so); here it allows ${actions.join(", ")}.`,
      );
    }
    const result = await act(env, p, input, target, action, clientId ?? id);
    stored = {
      status: 200,
      body: {
        id,
        code: input.code,
        target,
        actions,
        action,
        result: result as Record<string, unknown> | null,
      },
    };
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    stored = {
      status: error.status,
      problem: { slug: error.slug, title: error.title, detail: error.detail },
    };
  }
  const row = {
    code: input.code,
    countSessionId: input.count_session_id ?? null,
    pickListId: input.pick_list_id ?? null,
    locationId: input.location_id ?? null,
    target: target?.kind ?? null,
    targetId: target?.id ?? null,
    action,
    outcome: !target
      ? ("unknown" as const)
      : stored.body
        ? action === "look_up"
          ? ("resolved" as const)
          : ("applied" as const)
        : ("refused" as const),
    detail: stored.problem?.detail ?? null,
    answer: stored as unknown as Record<string, unknown>,
  };
  if (clientId !== null) await db.update(scans).set(row).where(eq(scans.id, id));
  else await db.insert(scans).values({ id, actorId: p.id, scannedAt: new Date().toISOString(), ...row });
  return replay(stored);
}

type ScanRow = typeof scans.$inferSelect;

const toScanView = (r: ScanRow) => ({
  id: r.id,
  actor_id: r.actorId,
  code: r.code,
  reader: r.reader,
  count_session_id: r.countSessionId,
  pick_list_id: r.pickListId,
  location_id: r.locationId,
  target: ((r.answer as Stored | null)?.body?.target as Target | undefined) ?? null,
  action: r.action,
  outcome: r.outcome,
  detail: r.detail,
  scanned_at: r.scannedAt,
});

export async function listScans(
  env: Env,
  filter: {
    actor_id?: string | undefined;
    device_id?: string | undefined;
    count_session_id?: string | undefined;
    pick_list_id?: string | undefined;
    outcome?: ScanRow["outcome"] | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  const actor = filter.actor_id ?? filter.device_id;
  const where: (SQL | undefined)[] = [
    actor ? eq(scans.actorId, actor) : undefined,
    filter.count_session_id ? eq(scans.countSessionId, filter.count_session_id) : undefined,
    filter.pick_list_id ? eq(scans.pickListId, filter.pick_list_id) : undefined,
    filter.outcome ? eq(scans.outcome, filter.outcome) : undefined,
  ];
  const page = await newestFirst(
    getDb(env.DB).select().from(scans).$dynamic(),
    { time: scans.scannedAt, id: scans.id },
    where,
    filter,
    (r) => [r.scannedAt, r.id],
  );
  return { items: page.items.map(toScanView), next_cursor: page.next_cursor };
}
