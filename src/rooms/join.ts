// Joining a room, for the routes of the module whose thing the room is: the Worker checks the caller, then
// forwards the upgrade with the member it vouches for.
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { problems } from "../lib/openapi";
import { badRequest, forbidden, tooManyRequests } from "../lib/problem";
import { principalOf } from "../modules/auth/middleware";
import { MEMBER_HEADER, type Member, type PostResult, type RoomMessage } from "./room";

/** The answers of every join route's contract. */
export const upgradeResponses = {
  101: { description: "Switching to the room's WebSocket" },
  ...problems(400, 401, 403, 404),
};

/** The member a person joins (or posts) as. */
export function memberOf(c: Context<AppEnv>): Member {
  const principal = principalOf(c);
  if (principal.kind !== "user") throw forbidden("Rooms are for signed-in people.");
  return { id: principal.id, name: principal.name, role: principal.role ?? principal.kind };
}

/**
 * Hands the WebSocket upgrade to the room with the member the Worker vouches for. Typed as `never` for the
 * route's handler: a 101 switching protocols carries no body the contract could describe.
 */
export function joinRoom(
  c: Context<AppEnv>,
  stub: { fetch(request: Request): Promise<Response> },
  member: Member,
  /** What the room is for, told on the join (a stock room: its location or count). */
  about: Record<string, string> = {},
): never {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw badRequest("This endpoint expects a WebSocket upgrade.");
  }
  const headers = new Headers(c.req.raw.headers);
  headers.set(MEMBER_HEADER, JSON.stringify(member));
  for (const [name, value] of Object.entries(about)) headers.set(name, value);
  return stub.fetch(new Request(c.req.url, { headers })) as never;
}

/**
 * Posts a chat message to a room over REST (the caller checked who may): the message as the room stored
 * and sent it, or the problem that refuses it (an empty or too long body 400, too many messages 429).
 */
export async function postToRoom(
  stub: { post(author: Member, body: unknown): Promise<unknown> },
  member: Member,
  body: unknown,
): Promise<RoomMessage> {
  const result = (await stub.post(member, body)) as PostResult;
  if ("error" in result) {
    if (result.code === "rate-limited") throw tooManyRequests(10, result.error);
    throw badRequest(result.error);
  }
  return result;
}
