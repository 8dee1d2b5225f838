// The INGEST queue's consumer: reads the kept records of a batch into orders. The batch's records are
// loaded in one query, the doors' settings once per mailbox or source, and what each reading did is written
// in one batch at the end. A reading that throws (D1 or R2 unreachable) is retried by the queue; on the last
// attempt its record is marked failed with the cause, so it shows in the ingest log and can be reprocessed.
import type { Env } from "../../env";
import { readOne, Settings } from "./read";
import { type IngestMessage, pendingRecords, type Reading, settle } from "./store";

const MAX_ATTEMPTS = 6; // wrangler.toml: max_retries = 5

export async function handleIngestQueue(batch: MessageBatch<IngestMessage>, env: Env): Promise<void> {
  const records = new Map(
    (
      await pendingRecords(
        env,
        batch.messages.map((m) => m.body.record_id),
      )
    ).map((r) => [r.id, r]),
  );
  const settings = new Settings(env);
  const readings: { id: string; reading: Reading }[] = [];
  const done: Message<IngestMessage>[] = [];
  for (const message of batch.messages) {
    const record = records.get(message.body.record_id);
    // Gone, or read already (a redelivered message, or a reprocess got there first).
    if (!record) {
      message.ack();
      continue;
    }
    try {
      readings.push({ id: record.id, reading: await readOne(env, record, settings) });
      done.push(message);
    } catch (error) {
      console.error(
        JSON.stringify({
          level: "error",
          msg: "ingest read failed",
          record_id: record.id,
          error: String(error),
        }),
      );
      if (message.attempts >= MAX_ATTEMPTS) {
        readings.push({
          id: record.id,
          reading: {
            outcome: "failed",
            detail: `Reading failed ${message.attempts} times: ${String(error).slice(0, 300)}. Reprocess it.`,
            results: [],
          },
        });
        done.push(message);
      } else {
        message.retry({ delaySeconds: 2 ** message.attempts });
      }
    }
  }
  // If this write fails, the whole batch is retried: the orders are already applied, and applying the same
  // content again leaves them unchanged.
  await settle(env, readings, { firstOnly: true });
  for (const message of done) message.ack();
}
