import { useSafeEffect } from "../ui/hooks";
// Sales imports: upload a CSV read through a saved format (preview it first), the imports made, and the
// chosen one (?job=<id>) live: rows read of the file's, the rate and time left, cancel, and its errors file.

import { IMPORT_STATUSES } from "../../../db/vocabulary";
import { api } from "../api";
import { count, when, words } from "../format";
import { setQuery, useLocation } from "../router";
import type { ScreenProps } from "../screen";
import type { Page } from "../types";
import { useLoad } from "../ui/hooks";
import { Badge, Pager, Section, Select, Show, Table, usePager } from "../ui/parts";
import { hrefWith, usePoll, withPolled } from "./back/common";
import { ImportJobView, running } from "./back/import-job";
import { ImportUpload } from "./back/import-upload";
import type { ImportJob } from "./back/types";

export default function Imports(_props: ScreenProps) {
  const { query } = useLocation();
  const status = query.get("status") ?? "";
  const selected = query.get("job") ?? "";
  const pager = usePager();
  useSafeEffect(() => pager.reset(), [status]);
  const jobs = useLoad(
    () => api<Page<ImportJob>>("/imports", { query: { status, cursor: pager.cursor, limit: 20 } }),
    [status, pager.cursor],
  );
  // The chosen import is asked here, every second while it runs: the screen owns every state it shows (the
  // list's row of the import is this answer too).
  const job = useLoad(
    () => (selected ? api<ImportJob>(`/imports/${selected}`) : Promise.resolve(null)),
    [selected],
  );
  usePoll(running(job.data ?? undefined), job.reload, 1000);
  const rowsOf = (items: ImportJob[]) => withPolled(items, job.data, selected);

  return (
    <>
      <ImportUpload
        onStarted={(started) => {
          if (started.id === selected) job.reload();
          else setQuery({ job: started.id });
          jobs.reload();
        }}
      />
      {selected && <ImportJobView loaded={job} />}
      <Section
        title="Imports"
        actions={
          <Select
            label="Status"
            name="status"
            value={status}
            options={[["", "any status"], ...IMPORT_STATUSES.map((s): [string, string] => [s, words(s)])]}
            onChange={(v) => setQuery({ status: v })}
          />
        }
      >
        <Show loaded={jobs}>
          {(page) => (
            <>
              <Table
                caption="Imports, newest first"
                rows={rowsOf(page.items)}
                empty="No imports yet."
                columns={[
                  {
                    label: "File",
                    cell: (j) => (
                      <a href={hrefWith({ job: j.id })} aria-current={j.id === selected ? "true" : undefined}>
                        {j.filename ?? j.id.slice(-8)}
                      </a>
                    ),
                  },
                  { label: "Format", cell: (j) => j.format },
                  { label: "Status", cell: (j) => <Badge value={j.status} /> },
                  {
                    label: "Rows",
                    cell: (j) =>
                      j.rows_total === null
                        ? count(j.rows_done)
                        : `${count(j.rows_done)} of ${count(j.rows_total)}`,
                    numeric: true,
                  },
                  { label: "Bad rows", cell: (j) => count(j.rows_failed), numeric: true },
                  { label: "Orders made", cell: (j) => count(j.orders_created), numeric: true },
                  { label: "Uploaded", cell: (j) => when(j.created_at) },
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
