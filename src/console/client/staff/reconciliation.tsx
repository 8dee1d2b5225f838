// Card reconciliation: import a card statement CSV read through its bank's mapping, the statements imported
// with how many charges matched, and the chosen one (?statement=<id>): its rows to match by hand and its report.
import { api } from "../api";
import { count, when } from "../format";
import { setQuery, useLocation } from "../router";
import type { ScreenProps } from "../screen";
import type { Page } from "../types";
import { useLoad } from "../ui/hooks";
import { Pager, Section, Show, Table, usePager } from "../ui/parts";
import { hrefWith } from "./back/common";
import { StatementUpload } from "./back/statement-upload";
import { StatementView } from "./back/statement-view";
import type { Statement } from "./back/types";

export default function Reconciliation(_props: ScreenProps) {
  const { query } = useLocation();
  const selected = query.get("statement") ?? "";
  const pager = usePager();
  const statements = useLoad(
    () => api<Page<Statement>>("/reconciliation/statements", { query: { cursor: pager.cursor, limit: 20 } }),
    [pager.cursor],
  );
  return (
    <>
      <StatementUpload
        onImported={(statement) => {
          statements.reload();
          setQuery({ statement: statement.id, status: null });
        }}
      />
      {selected && <StatementView id={selected} onChanged={statements.reload} />}
      <Section title="Card statements">
        <Show loaded={statements}>
          {(page) => (
            <>
              <Table
                caption="Card statements, newest first"
                rows={page.items}
                empty="No statements imported yet."
                columns={[
                  {
                    label: "Statement",
                    cell: (s) => (
                      <a
                        href={hrefWith({ statement: s.id, status: null })}
                        aria-current={s.id === selected ? "true" : undefined}
                      >
                        {s.bank}: {s.filename ?? s.id.slice(-8)}
                      </a>
                    ),
                  },
                  { label: "Rows", cell: (s) => count(s.rows), numeric: true },
                  { label: "Matched", cell: (s) => count(s.counts.matched), numeric: true },
                  { label: "Ambiguous", cell: (s) => count(s.counts.ambiguous), numeric: true },
                  { label: "Unmatched", cell: (s) => count(s.counts.unmatched), numeric: true },
                  { label: "Ignored", cell: (s) => count(s.counts.ignored), numeric: true },
                  { label: "Imported", cell: (s) => when(s.created_at) },
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
