import { useSafeEffect } from "../ui/hooks";
// Claims: the manual-review queue first (who waited longest at the top), any other status on demand, and
// the chosen claim (?claim=<id>) with its photos, the automatic review's reasons, the decision and the
// claim room's chat with the customer.

import { api } from "../api";
import { money, when, words } from "../format";
import { setQuery, useLocation } from "../router";
import type { ScreenProps } from "../screen";
import type { Page } from "../types";
import { useLoad } from "../ui/hooks";
import { Badge, Pager, Section, Select, Show, Table, usePager } from "../ui/parts";
import { ClaimDetail } from "./back/claim-detail";
import { hrefWith } from "./back/common";
import type { Claim } from "./back/types";

const STATUSES = ["manual_review", "open", "ai_processing", "approved", "rejected", "resolved"] as const;

export default function Claims(_props: ScreenProps) {
  const { query } = useLocation();
  const status = query.get("status") ?? "manual_review";
  const selected = query.get("claim") ?? "";
  const pager = usePager();
  useSafeEffect(() => pager.reset(), [status]);
  const claims = useLoad(
    () =>
      api<Page<Claim>>("/claims", {
        query: { status: status === "all" ? undefined : status, cursor: pager.cursor, limit: 25 },
      }),
    [status, pager.cursor],
  );
  const queue = status === "manual_review";
  return (
    <>
      {selected && (
        <ClaimDetail
          id={selected}
          onChanged={(claim) => {
            claims.set((page) => ({
              items: (page?.items ?? []).map((c) => (c.id === claim.id ? claim : c)),
              next_cursor: page?.next_cursor ?? null,
            }));
          }}
        />
      )}
      <Section
        title={queue ? "Waiting for a person, oldest first" : "Claims"}
        actions={
          <Select
            label="Show"
            name="status"
            value={status}
            options={[
              ["manual_review", "the review queue"],
              ...STATUSES.slice(1).map((s): [string, string] => [s, words(s)]),
              ["all", "every claim"],
            ]}
            onChange={(v) => setQuery({ status: v === "manual_review" ? null : v })}
          />
        }
      >
        <Show loaded={claims}>
          {(page) => (
            <>
              <Table
                caption={queue ? "Claims waiting for review" : "Claims"}
                rows={page.items}
                empty={queue ? "Nothing waits for review." : "No claims here."}
                columns={[
                  {
                    label: "Claim",
                    cell: (c) => (
                      <a
                        href={hrefWith({ claim: c.id })}
                        aria-current={c.id === selected ? "true" : undefined}
                        aria-label={`Claim ${c.id.slice(-8)} on order ${c.order_id.slice(-8)}`}
                      >
                        {c.id.slice(-8)}
                      </a>
                    ),
                  },
                  { label: "Status", cell: (c) => <Badge value={c.status} /> },
                  { label: "Why", cell: (c) => [...new Set(c.lines.map((l) => words(l.reason)))].join(", ") },
                  { label: "Items", cell: (c) => c.lines.reduce((n, l) => n + l.quantity, 0), numeric: true },
                  { label: "Claimed", cell: (c) => money(c.claimed), numeric: true },
                  { label: "Photos", cell: (c) => c.photos.length, numeric: true },
                  {
                    label: "Review",
                    cell: (c) =>
                      c.review
                        ? c.review.reasons
                            .filter((r) => !r.passed)
                            .map((r) => words(r.rule))
                            .join(", ") || "every rule passed"
                        : "—",
                  },
                  {
                    label: queue ? "Waiting since" : "Filed",
                    cell: (c) => when(queue ? c.submitted_at : c.created_at),
                  },
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
