// The IMPORTS queue's consumer (stub: filled in with the imports module).
import type { Env } from "../../env";

/** One message per chunk of an import job. */
export interface ImportMessage {
  job_id: string;
}

export async function handleImportQueue(batch: MessageBatch<ImportMessage>, _env: Env): Promise<void> {
  for (const message of batch.messages) message.ack();
}
