// One import as it runs: asked again every second while queued or running (rows read of the file's, rate,
// time left), cancel, and the file of rows not imported.
import { api } from "../../api";
import { count, when } from "../../format";
import { FileLinks, useFile } from "../../ui/files";
import { type Loaded, useAction } from "../../ui/hooks";
import { Badge, ProblemNote, Progress } from "../../ui/parts";
import { Facts, JobPanel } from "./common";
import type { ImportJob } from "./types";

export const running = (job: ImportJob | undefined) => job?.status === "queued" || job?.status === "running";

/** "about 2 min" / "12 s" */
export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min`;
  return `about ${(seconds / 3600).toFixed(1)} h`;
}

/** The import the screen loads (and polls while it runs). */
export function ImportJobView(props: { loaded: Loaded<ImportJob | null> }) {
  const job = props.loaded;
  const cancelling = useAction();
  const errors = useFile();

  return (
    <JobPanel title="Import" close="Close import" loaded={job}>
      {(j) => (
        <>
          <p>
            {j.filename ?? "The file"} · format {j.format} · <Badge value={j.status} />
          </p>
          <Progress
            label={running(j) ? "Rows read so far" : "Rows read"}
            done={j.rows_done}
            total={j.rows_total}
            detail={[
              j.rows_per_second !== null ? `${count(Math.round(j.rows_per_second))} rows a second` : "",
              running(j) && j.seconds_left !== null ? `${duration(j.seconds_left)} left` : "",
              j.status === "queued" ? "waiting to start" : "",
            ]
              .filter(Boolean)
              .join(" · ")}
          />
          <Facts
            items={[
              ["Orders made", count(j.orders_created)],
              ["Already there", count(j.orders_unchanged)],
              ["Bad rows", count(j.rows_failed)],
              ["Started", when(j.started_at)],
              ["Finished", when(j.finished_at)],
            ]}
          />
          <ProblemNote error={j.error} />
          <div class="actions">
            {running(j) && (
              <button
                type="button"
                class="danger"
                disabled={cancelling.busy}
                onClick={async () => {
                  const done = await cancelling.run(() =>
                    api<ImportJob>(`/imports/${j.id}/cancel`, { method: "POST" }),
                  );
                  if (done) job.set(done);
                }}
              >
                Cancel import
              </button>
            )}
            {j.rows_failed > 0 && (
              <button
                type="button"
                class="secondary"
                disabled={errors.action.busy}
                onClick={() => errors.fetchFile(j.errors_url, `import-${j.id}-errors.csv`, true)}
              >
                Download the {count(j.rows_failed)} bad rows (CSV)
              </button>
            )}
          </div>
          <ProblemNote error={cancelling.error} />
          <ProblemNote error={errors.action.error} />
          <FileLinks file={errors.file} />
        </>
      )}
    </JobPanel>
  );
}
