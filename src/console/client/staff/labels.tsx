import { useSafeEffect } from "../ui/hooks";
// Labels: make a label job (products' labels on a sheet or roll, or free codes), watch it render, download
// its PDF, print it again; and the history of jobs. The chosen job is ?job=<id>.

import { LABEL_JOB_STATUSES, LABEL_TEMPLATES } from "../../../db/vocabulary";
import { api } from "../api";
import { count, when, words } from "../format";
import { setQuery, useLocation } from "../router";
import type { ScreenProps } from "../screen";
import type { Page } from "../types";
import { useLoad } from "../ui/hooks";
import { Badge, Pager, Section, Select, Show, Table, usePager } from "../ui/parts";
import { hrefWith, usePoll, withPolled } from "./back/common";
import { LabelJobView, rendering, sourceText } from "./back/label-job";
import { NewLabelJobForm } from "./back/label-new";
import type { LabelJob } from "./back/types";

export default function Labels(_props: ScreenProps) {
  const { query } = useLocation();
  const status = query.get("status") ?? "";
  const template = query.get("template") ?? "";
  const selected = query.get("job") ?? "";
  const pager = usePager();
  useSafeEffect(() => pager.reset(), [status, template]);
  const jobs = useLoad(
    () =>
      api<Page<LabelJob>>("/labels/jobs", { query: { status, template, cursor: pager.cursor, limit: 20 } }),
    [status, template, pager.cursor],
  );
  // The chosen job is asked here, every second while it renders: the screen owns every state it shows (the
  // list's row of the job is this answer too).
  const job = useLoad(
    () => (selected ? api<LabelJob>(`/labels/jobs/${selected}`) : Promise.resolve(null)),
    [selected],
  );
  usePoll(rendering(job.data ?? undefined), job.reload, 1000);
  const started = (next: LabelJob) => {
    setQuery({ job: next.id });
    jobs.reload();
  };
  const rowsOf = (items: LabelJob[]) => withPolled(items, job.data, selected);

  return (
    <>
      {selected && <LabelJobView loaded={job} onReprinted={started} />}
      <NewLabelJobForm onCreated={started} />
      <Section title="Label jobs">
        <div class="row">
          <Select
            label="Status"
            name="status"
            value={status}
            options={[["", "any status"], ...LABEL_JOB_STATUSES.map((s): [string, string] => [s, words(s)])]}
            onChange={(v) => setQuery({ status: v })}
          />
          <Select
            label="Template"
            name="template"
            value={template}
            options={[["", "any template"], ...LABEL_TEMPLATES.map((t): [string, string] => [t, t])]}
            onChange={(v) => setQuery({ template: v })}
          />
        </div>
        <Show loaded={jobs}>
          {(page) => (
            <>
              <Table
                caption="Label jobs, newest first"
                rows={rowsOf(page.items)}
                empty="No label jobs yet."
                columns={[
                  {
                    label: "Job",
                    cell: (j) => (
                      <a href={hrefWith({ job: j.id })} aria-current={j.id === selected ? "true" : undefined}>
                        {sourceText(j)}
                      </a>
                    ),
                  },
                  { label: "Template", cell: (j) => j.template },
                  { label: "Stock", cell: (j) => j.stock },
                  { label: "Status", cell: (j) => <Badge value={j.status} /> },
                  { label: "Labels", cell: (j) => count(j.labels), numeric: true },
                  { label: "Pages", cell: (j) => (j.pages === null ? "—" : count(j.pages)), numeric: true },
                  { label: "Made", cell: (j) => when(j.created_at) },
                ]}
              />
              <Pager pager={pager} nextCursor={page.next_cursor} />
            </>
          )}
        </Show>
      </Section>
    </>
  );
}
