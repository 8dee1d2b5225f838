// The IMPORTS queue's consumer: one message is one chunk of an import job; each queues the next.
import type { Env } from "../../env";
import { failJob, runChunk } from "./chunks";
import { sendChunk } from "./jobs";
import type { ReadPlan } from "./rows";

/**
 * One message per chunk of an import job: where the chunk starts (the job's next_byte when it was sent) and
 * how the file is read (found from its header at upload, with the format's mapping as it was then).
 */
export interface ImportMessage {
  job_id: string;
  from_byte: number;
  plan: ReadPlan & { source: string };
}

/** Deliveries of a message before its job is given up as failed (wrangler.toml: max_retries = 5). */
const LAST_ATTEMPT = 6;
const SEND_ATTEMPTS = 3;

async function queueNext(env: Env, next: ImportMessage) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sendChunk(env, next);
    } catch (error) {
      // The chunk is counted already: a retry of this message would find it done and stop the job for good.
      if (attempt >= SEND_ATTEMPTS) {
        await failJob(
          env,
          next.job_id,
          `Could not queue the next chunk: ${String(error)}. Import the file again.`,
        );
        return;
      }
    }
  }
}

export async function handleImportQueue(batch: MessageBatch<ImportMessage>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    try {
      const next = await runChunk(env, message.body);
      if (next) await queueNext(env, next);
      message.ack();
    } catch (error) {
      console.error(
        JSON.stringify({
          level: "error",
          msg: "import chunk failed",
          job: message.body.job_id,
          error: String(error),
        }),
      );
      if (message.attempts >= LAST_ATTEMPT) {
        await failJob(env, message.body.job_id, `A chunk failed ${message.attempts} times: ${String(error)}`);
        message.ack();
      } else message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });
    }
  }
}
