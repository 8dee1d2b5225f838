// The intake monitor: per door and source, what came in over a period and how reading it went (the last
// success and failure), and the records themselves, newest first, filtered by door, source, verdict and
// outcome, with why one failed, its raw bytes, and a reprocess once its cause was fixed.

import { useMemo, useState } from "hono/jsx/dom";
import { INGEST_DOORS, INGEST_OUTCOMES, INGEST_VERDICTS } from "../../../db/vocabulary";
import { api } from "../api";
import { count, when, words } from "../format";
import { setQuery, useLocation } from "../router";
import type { ScreenProps } from "../screen";
import type { Page } from "../types";
import { useLoad, useSafeEffect } from "../ui/hooks";
import { Pager, Section, Select, Show, Table, usePager } from "../ui/parts";
import { hrefWith } from "./back/common";
import { IngestRecords } from "./back/ingest-records";
import type { IngestRecord, IngestStats } from "./back/types";

const RANGES: [string, string, number][] = [
  ["", "the last 24 hours", 1],
  ["7d", "the last 7 days", 7],
  ["30d", "the last 30 days", 30],
];

export default function Intake(_props: ScreenProps) {
  const { query } = useLocation();
  const range = query.get("range") ?? "";
  const filter = {
    door: query.get("door") ?? "",
    source: query.get("source") ?? "",
    verdict: query.get("verdict") ?? "",
    outcome: query.get("outcome") ?? "",
  };
  const days = RANGES.find((r) => r[0] === range)?.[2] ?? 1;
  const since = useMemo(() => new Date(Date.now() - days * 86_400_000).toISOString(), [days]);
  const stats = useLoad(() => api<IngestStats>("/ingest/stats", { query: { since } }), [since]);
  const pager = usePager();
  const key = JSON.stringify(filter);
  useSafeEffect(() => pager.reset(), [key]);
  const records = useLoad(
    () => api<Page<IngestRecord>>("/ingest", { query: { ...filter, cursor: pager.cursor, limit: 25 } }),
    [key, pager.cursor],
  );
  const [source, setSource] = useState(filter.source);
  useSafeEffect(() => setSource(filter.source), [filter.source]);

  return (
    <>
      <Section
        title="Doors"
        actions={
          <Select
            label="Over"
            name="range"
            value={range}
            options={RANGES.map(([v, t]): [string, string] => [v, t])}
            onChange={(v) => setQuery({ range: v })}
          />
        }
      >
        <Show loaded={stats}>
          {(s) => (
            <Table
              caption="Per door and source, what came in and how reading it went"
              rows={s.doors}
              empty="Nothing came in over this period."
              columns={[
                {
                  label: "Door and source",
                  cell: (d) => (
                    <a href={hrefWith({ door: d.door, source: d.source })}>
                      {d.door}: {d.source}
                    </a>
                  ),
                },
                { label: "Received", cell: (d) => count(d.received), numeric: true },
                { label: "Refused", cell: (d) => count(d.refused), numeric: true },
                { label: "Repeats", cell: (d) => count(d.duplicate), numeric: true },
                {
                  label: "Read",
                  cell: (d) =>
                    Object.entries(d.outcomes)
                      .filter(([, n]) => n > 0)
                      .map(([o, n]) => `${count(n)} ${words(o)}`)
                      .join(", ") || "—",
                },
                { label: "Last success", cell: (d) => when(d.last_success?.at) },
                {
                  label: "Last failure",
                  cell: (d) =>
                    d.last_failure ? (
                      <>
                        {when(d.last_failure.at)}
                        {d.last_failure.detail && <div class="muted">{d.last_failure.detail}</div>}
                      </>
                    ) : (
                      "—"
                    ),
                },
              ]}
            />
          )}
        </Show>
      </Section>
      <Section title="Records">
        <form
          class="row"
          onSubmit={(e: Event) => {
            e.preventDefault();
            setQuery({ source: source.trim() });
          }}
        >
          <Select
            label="Door"
            name="door"
            value={filter.door}
            options={[["", "every door"], ...INGEST_DOORS.map((d): [string, string] => [d, d])]}
            onChange={(v) => setQuery({ door: v })}
          />
          <Select
            label="Taken"
            name="verdict"
            value={filter.verdict}
            options={[
              ["", "kept, refused or repeated"],
              ...INGEST_VERDICTS.map((v): [string, string] => [v, words(v)]),
            ]}
            onChange={(v) => setQuery({ verdict: v })}
          />
          <Select
            label="Outcome"
            name="outcome"
            value={filter.outcome}
            options={[["", "any outcome"], ...INGEST_OUTCOMES.map((o): [string, string] => [o, words(o)])]}
            onChange={(v) => setQuery({ outcome: v })}
          />
          <div class="field">
            <label for="ingest-source">Source</label>
            <input
              id="ingest-source"
              name="source"
              type="search"
              value={source}
              placeholder="shop-main, orders@…"
              onInput={(e: Event) => setSource((e.target as HTMLInputElement).value)}
            />
          </div>
          <button type="submit">Filter</button>
        </form>
        <Show loaded={records}>
          {(page) => (
            <>
              <IngestRecords
                rows={page.items}
                onChange={(record) =>
                  records.set((p) => ({
                    items: (p?.items ?? []).map((r) => (r.id === record.id ? record : r)),
                    next_cursor: p?.next_cursor ?? null,
                  }))
                }
              />
              <Pager pager={pager} nextCursor={page.next_cursor} />
            </>
          )}
        </Show>
      </Section>
      {Object.values(filter).some(Boolean) && (
        <p>
          <a href={hrefWith({ door: null, source: null, verdict: null, outcome: null })}>Clear the filters</a>
        </p>
      )}
    </>
  );
}
