// Scrapes and store pulls: each scrape target's state (on, off, paused and why, failures in a row, last and
// next run), run one now, switch it on or off, and the jobs it ran (?target=<id>); each Magento store
// connection's last pull and error, pull it now, and its pulls (?connection=<id>).
import { useState } from "hono/jsx/dom";
import { api, errorText } from "../api";
import { count, when, words } from "../format";
import { setQuery, useLocation } from "../router";
import type { ScreenProps } from "../screen";
import type { Page } from "../types";
import { useLoad, useSafeEffect } from "../ui/hooks";
import { Badge, Pager, Section, Show, Table, usePager } from "../ui/parts";
import { hrefWith } from "./back/common";
import { Connectors } from "./back/connectors";
import type { ScrapeJob, ScrapeTarget } from "./back/types";

const stateOf = (t: ScrapeTarget) => (!t.enabled ? "off" : t.paused ? "paused" : "on");

export default function Scrapes(_props: ScreenProps) {
  const { query } = useLocation();
  const target = query.get("target") ?? "";
  const pager = usePager();
  const targets = useLoad(
    () => api<Page<ScrapeTarget>>("/scrapes/targets", { query: { cursor: pager.cursor, limit: 25 } }),
    [pager.cursor],
  );
  const [busy, setBusy] = useState<string | null>(null);
  const [said, setSaid] = useState<{ text: string; bad: boolean } | null>(null);
  const [jobsRound, setJobsRound] = useState(0);

  const act = async (t: ScrapeTarget, what: "run" | "on" | "off") => {
    setBusy(t.id);
    setSaid(null);
    try {
      if (what === "run") {
        const job = await api<ScrapeJob>(`/scrapes/targets/${t.id}/run`, { method: "POST" });
        setSaid({
          text: `${t.name} ran: ${words(job.status)}${job.outcome ? `, ${words(job.outcome)}` : ""}${job.reason ? ` (${job.reason})` : ""}.`,
          bad: job.status === "failed",
        });
        setJobsRound((n) => n + 1);
      } else {
        await api<ScrapeTarget>(`/scrapes/targets/${t.id}`, {
          method: "PATCH",
          body: { enabled: what === "on" },
        });
        setSaid({ text: `${t.name} is ${what === "on" ? "on (any pause lifted)" : "off"}.`, bad: false });
      }
      targets.reload();
    } catch (error) {
      setSaid({ text: `${t.name}: ${errorText(error)}`, bad: true });
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <Section title="Scrape targets">
        {said && (
          <p class={said.bad ? "problem" : "note"} role={said.bad ? "alert" : "status"}>
            {said.text}
          </p>
        )}
        <Show loaded={targets}>
          {(page) => (
            <>
              <Table
                caption="Scrape targets"
                rows={page.items}
                empty="No scrape targets yet (they are set up through the API: POST /api/v1/scrapes/targets)."
                columns={[
                  {
                    label: "Target",
                    cell: (t) => (
                      <a
                        href={hrefWith({ target: t.id })}
                        aria-current={t.id === target ? "true" : undefined}
                      >
                        {t.name}
                      </a>
                    ),
                  },
                  { label: "Kind", cell: (t) => words(t.kind) },
                  {
                    label: "State",
                    cell: (t) => (
                      <>
                        <Badge value={stateOf(t)} />
                        {t.paused_reason && <div class="muted">{t.paused_reason}</div>}
                      </>
                    ),
                  },
                  { label: "Failures in a row", cell: (t) => count(t.failures_in_a_row), numeric: true },
                  {
                    label: "Last run",
                    cell: (t) => (
                      <>
                        {when(t.last_run_at)}
                        {t.last_job && (
                          <div>
                            <Badge value={t.last_job.status} />
                            {t.last_job.reason && <span class="muted"> {t.last_job.reason}</span>}
                          </div>
                        )}
                      </>
                    ),
                  },
                  { label: "Next run", cell: (t) => (t.enabled && !t.paused ? when(t.next_run_at) : "—") },
                  {
                    label: "Actions",
                    cell: (t) => (
                      <div class="actions">
                        <button
                          type="button"
                          disabled={busy === t.id}
                          onClick={() => act(t, "run")}
                          aria-label={`Run now: ${t.name}`}
                        >
                          {busy === t.id ? "Running…" : "Run now"}
                        </button>
                        <button
                          type="button"
                          class="secondary"
                          disabled={busy === t.id}
                          aria-label={`${t.enabled && !t.paused ? "Switch off" : "Switch on"}: ${t.name}`}
                          onClick={() => act(t, t.enabled && !t.paused ? "off" : "on")}
                        >
                          {t.enabled && !t.paused ? "Switch off" : "Switch on"}
                        </button>
                      </div>
                    ),
                  },
                ]}
              />
              <Pager pager={pager} nextCursor={page.next_cursor} />
            </>
          )}
        </Show>
      </Section>
      <ScrapeJobs
        target={target}
        round={jobsRound}
        name={targets.data?.items.find((t) => t.id === target)?.name}
      />
      <Connectors />
    </>
  );
}

function ScrapeJobs(props: { target: string; round: number; name: string | undefined }) {
  const pager = usePager();
  useSafeEffect(() => pager.reset(), [props.target]);
  const jobs = useLoad(
    () =>
      api<Page<ScrapeJob>>("/scrapes/jobs", {
        query: { target_id: props.target, cursor: pager.cursor, limit: 20 },
      }),
    [props.target, pager.cursor, props.round],
  );
  return (
    <Section
      title={props.target ? `Runs of ${props.name ?? "the target"}` : "Runs of every target"}
      actions={
        props.target ? (
          <button type="button" class="secondary" onClick={() => setQuery({ target: null })}>
            Every target's runs
          </button>
        ) : undefined
      }
    >
      <Show loaded={jobs}>
        {(page) => (
          <>
            <Table
              caption="Scrape runs, newest first"
              rows={page.items}
              empty="No runs yet."
              columns={[
                { label: "Started", cell: (j) => when(j.started_at ?? j.created_at) },
                { label: "How", cell: (j) => (j.trigger === "manual" ? "run now" : "on schedule") },
                { label: "Status", cell: (j) => <Badge value={j.status} /> },
                { label: "Outcome", cell: (j) => (j.outcome ? words(j.outcome) : "—") },
                { label: "Pages", cell: (j) => count(j.pages), numeric: true },
                { label: "Records", cell: (j) => count(j.records_found), numeric: true },
                {
                  label: "Took",
                  cell: (j) => (j.duration_ms === null ? "—" : `${(j.duration_ms / 1000).toFixed(1)} s`),
                  numeric: true,
                },
                { label: "Why", cell: (j) => j.reason ?? "—" },
              ]}
            />
            <Pager pager={pager} nextCursor={page.next_cursor} />
          </>
        )}
      </Show>
    </Section>
  );
}
