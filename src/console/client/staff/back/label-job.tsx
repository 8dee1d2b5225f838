// One label job: asked again every second while it renders, its PDF fetched with the session's token into a
// blob URL to open or save, and a reprint.
import { api } from "../../api";
import { count, when } from "../../format";
import { FileLinks, useFile } from "../../ui/files";
import { type Loaded, useAction } from "../../ui/hooks";
import { Badge, ProblemNote, Progress } from "../../ui/parts";
import { Facts, JobPanel } from "./common";
import type { LabelJob } from "./types";

export const rendering = (job: LabelJob | undefined) =>
  job?.status === "queued" || job?.status === "rendering";

/** What a job prints, in words. */
export function sourceText(job: LabelJob): string {
  const s = job.source as Record<string, Record<string, unknown> | unknown[] | undefined>;
  const products = s.products as { ids?: string[]; status?: string; category_id?: string } | undefined;
  if (products?.ids) return `${products.ids.length} product${products.ids.length === 1 ? "" : "s"}`;
  if (products)
    return `every ${products.status ?? ""} product${products.category_id ? " of a category" : ""}`;
  if (s.location) return "a location's bins";
  if (s.order) return "an order's parcels";
  if (Array.isArray(s.codes)) return `${s.codes.length} code${s.codes.length === 1 ? "" : "s"}`;
  return job.template;
}

/** The job the screen loads (and polls while it renders). */
export function LabelJobView(props: {
  loaded: Loaded<LabelJob | null>;
  onReprinted: (job: LabelJob) => void;
}) {
  const job = props.loaded;
  const pdf = useFile();
  const reprinting = useAction();

  return (
    <JobPanel title="Label job" close="Close job" loaded={job}>
      {(j) => (
        <>
          <p>
            {sourceText(j)} · {j.template} labels on {j.stock} · <Badge value={j.status} />
          </p>
          <Progress
            label={rendering(j) ? "Labels drawn so far" : "Labels drawn"}
            done={j.labels_done}
            total={j.labels}
            detail={`${count(j.chunks_done)} of ${count(j.chunks)} parts${j.status === "queued" ? " · waiting to start" : ""}`}
          />
          <Facts
            items={[
              ["Copies of each", count(j.copies)],
              ["First position", count(j.start + 1)],
              ["Pages", j.pages === null ? "—" : count(j.pages)],
              ["Made", when(j.created_at)],
              ["Finished", when(j.finished_at)],
            ]}
          />
          <ProblemNote error={j.error} />
          <div class="actions">
            {j.status === "done" && (
              <button
                type="button"
                disabled={pdf.action.busy}
                onClick={() => pdf.fetchFile(`/labels/jobs/${j.id}/pdf`, `labels-${j.id}.pdf`)}
              >
                {pdf.action.busy ? "Fetching the PDF…" : "Get the PDF"}
              </button>
            )}
            {!rendering(j) && (
              <button
                type="button"
                class="secondary"
                disabled={reprinting.busy}
                onClick={async () => {
                  const next = await reprinting.run(() =>
                    api<LabelJob>(`/labels/jobs/${j.id}/reprint`, { method: "POST", body: {} }),
                  );
                  if (next) {
                    pdf.clear();
                    props.onReprinted(next);
                  }
                }}
              >
                Print again
              </button>
            )}
          </div>
          <ProblemNote error={pdf.action.error} />
          <ProblemNote error={reprinting.error} />
          <FileLinks file={pdf.file} />
        </>
      )}
    </JobPanel>
  );
}
