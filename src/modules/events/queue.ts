// The consumer of roms-events (fan-outs and deliveries) and of its dead-letter queue, roms-events-dead.
import type { Env } from "../../env";
import type { EventMessage } from "./announce";
import { deliver, markDead } from "./deliver";
import { enabledSubscriptions, fanOut } from "./fanout";

const DEAD_LETTER_QUEUE = "roms-events-dead";
/** A message that failed for a reason of ours (D1 unreachable, a send refused) is tried again soon. */
const ERROR_RETRY_SECONDS = 30;

/** Handles the batch's messages side by side: one slow receiver does not hold up the others. */
export async function handleQueue(batch: MessageBatch<EventMessage>, env: Env): Promise<void> {
  if (batch.queue === DEAD_LETTER_QUEUE) {
    await Promise.all(batch.messages.map((message) => buryOne(message, env)));
    return;
  }
  // The subscriptions are read once for every fan-out in the batch (a failure retries them all, soon).
  let subscriptions: Promise<Awaited<ReturnType<typeof enabledSubscriptions>>> | undefined;
  const subscribed = () => {
    subscriptions ??= enabledSubscriptions(env);
    return subscriptions;
  };
  await Promise.all(batch.messages.map((message) => handleOne(message, env, subscribed)));
}

async function handleOne(
  message: Message<EventMessage>,
  env: Env,
  subscribed: () => ReturnType<typeof enabledSubscriptions>,
): Promise<void> {
  const body = message.body;
  try {
    if (body.kind === "fanout") {
      await fanOut(env, body.event, await subscribed());
      message.ack();
      return;
    }
    if (body.kind !== "deliver" || typeof body.delivery_id !== "string") {
      console.error(JSON.stringify({ level: "error", msg: "unreadable event message dropped", body }));
      message.ack();
      return;
    }
    const next = await deliver(env, body.delivery_id);
    if (next.done) message.ack();
    else message.retry({ delaySeconds: next.retryInSeconds });
  } catch (error) {
    console.error(
      JSON.stringify({
        level: "error",
        msg: `event ${body.kind} failed`,
        ...(body.kind === "fanout"
          ? { event: `${body.event.type}:${body.event.id}` }
          : { delivery: body.delivery_id }),
        attempts: message.attempts,
        error: String(error),
      }),
    );
    message.retry({ delaySeconds: ERROR_RETRY_SECONDS });
  }
}

/** Every retry failed: the delivery is dead. A fan-out that never ran is logged, for someone to replay. */
async function buryOne(message: Message<EventMessage>, env: Env): Promise<void> {
  const body = message.body;
  try {
    if (body.kind === "deliver") await markDead(env, body.delivery_id);
    else {
      console.error(
        JSON.stringify({
          level: "error",
          msg: "event fan-out dead-lettered",
          event: body.event,
        }),
      );
    }
    message.ack();
  } catch (error) {
    console.error(
      JSON.stringify({ level: "error", msg: "dead-letter handling failed", error: String(error) }),
    );
    message.retry();
  }
}
