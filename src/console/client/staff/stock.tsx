// Stock: pick a location, see its levels (live from the location's room), the movement ledger newest first,
// its open counts (and open a new one), and receive or adjust stock there.
import { useRef, useState } from "hono/jsx/dom";
import { api } from "../api";
import { joinLive, type RoomState } from "../live";
import { setQuery, useLocation } from "../router";
import type { ScreenProps } from "../screen";
import type { Page } from "../types";
import { useLoad, useReplay, useSafeEffect } from "../ui/hooks";
import { Pager, Section, Select, Show, usePager } from "../ui/parts";
import { AdjustStock, NewLocation } from "./stock/adjust";
import { OpenCounts } from "./stock/counts";
import { LevelSettings, LevelsTable } from "./stock/levels";
import { MovementsTable } from "./stock/movements";
import { useProducts } from "./stock/products";
import type { CountSession, Level, Location, Movement, MovementFrame } from "./stock/types";

export default function Stock({ me }: ScreenProps) {
  const { query } = useLocation();
  const canWrite = me.permissions.includes("inventory:write");
  const locations = useLoad(() => api<{ items: Location[] }>("/inventory/locations"), []);
  const wanted = query.get("location");
  return (
    <>
      <Show loaded={locations}>
        {({ items }) => {
          const location = items.find((l) => l.id === wanted) ?? items[0];
          if (!location) return <p class="muted">There are no stock locations yet.</p>;
          return (
            <>
              <form class="row card" onSubmit={(e: Event) => e.preventDefault()}>
                <Select
                  label="Location"
                  name="location"
                  value={location.id}
                  options={items.map((l): [string, string] => [l.id, `${l.name} (${l.kind})`])}
                  onChange={(id) => setQuery({ location: id })}
                />
              </form>
              <AtLocation location={location} canWrite={canWrite} />
            </>
          );
        }}
      </Show>
      {canWrite && (
        <NewLocation
          onCreated={(l) => {
            locations.reload();
            setQuery({ location: l.id });
          }}
        />
      )}
    </>
  );
}

function AtLocation(props: { location: Location; canWrite: boolean }) {
  const id = props.location.id;
  const levelPager = usePager();
  const movePager = usePager();
  const [editing, setEditing] = useState<Level | null>(null);
  const [state, setState] = useState<RoomState>("connecting");
  useSafeEffect(() => {
    levelPager.reset();
    movePager.reset();
    setEditing(null);
  }, [id]);
  // Frames lately applied, replayed over every page read (a read can answer after a movement's frame).
  const replay = useReplay<MovementFrame>();
  const here = (f: MovementFrame) => f.movement.location_id === id;
  const levels = useLoad(
    () =>
      api<Page<Level>>("/inventory/levels", {
        query: { location_id: id, cursor: levelPager.cursor, limit: 50 },
      }).then((page) => replay.over(page, withLevel(id, levelPager.page === 1), here)),
    [id, levelPager.cursor],
  );
  const movements = useLoad(
    () =>
      api<Page<Movement>>("/inventory/movements", {
        query: { location_id: id, cursor: movePager.cursor, limit: 25 },
      }).then((page) => (movePager.page === 1 ? replay.over(page, withMovement, here) : page)),
    [id, movePager.cursor],
  );
  const counts = useLoad(
    () =>
      api<Page<CountSession>>("/inventory/count-sessions", { query: { location_id: id, status: "open" } }),
    [id],
  );
  const products = useProducts([
    ...(levels.data?.items ?? []).map((l) => l.product_id),
    ...(movements.data?.items ?? []).map((m) => m.product_id),
  ]);

  // What a movement frame changes: its level (when newer than the one shown) and the ledger's first page.
  const apply = useRef<(f: MovementFrame) => void>(() => {});
  apply.current = (f) => {
    replay.keep(f);
    levels.set((page) => page && withLevel(id, levelPager.page === 1)(page, f));
    if (movePager.page === 1) movements.set((page) => page && withMovement(page, f));
  };
  const reloadAll = useRef(() => {});
  reloadAll.current = () => {
    levels.reload();
    movements.reload();
    counts.reload();
  };

  useSafeEffect(() => {
    let seen = 0;
    const room = joinLive(
      `/inventory/locations/${id}/room`,
      (frame) => {
        if (frame.type === "welcome") {
          // A fresh join (or a gap in what the room kept): read everything again, then follow from here.
          if (seen === 0 || frame.gap) reloadAll.current();
          seen = Math.max(seen, Number(frame.head) || 0);
        } else if (frame.type === "movement") {
          const f = frame as unknown as MovementFrame;
          if (f.seq <= seen) return;
          seen = f.seq;
          apply.current(f);
        } else if (frame.type === "event") {
          const type = (frame.event as { type?: string } | undefined)?.type;
          if (type === "count_opened" || type === "count_posted") reloadAll.current();
        }
      },
      setState,
      () => (seen > 0 ? { after: seen } : {}),
    );
    return () => room.close();
  }, [id]);

  return (
    <>
      <Section
        title={`Levels at ${props.location.name}`}
        actions={
          <span class="live muted" role="status">
            {state === "open" ? "Live" : state === "connecting" ? "Connecting…" : "Offline"}
          </span>
        }
      >
        <Show loaded={levels}>
          {(page) => (
            <>
              <LevelsTable
                levels={page.items}
                products={products}
                onEdit={props.canWrite ? setEditing : undefined}
              />
              <Pager pager={levelPager} nextCursor={page.next_cursor} />
            </>
          )}
        </Show>
      </Section>
      {editing && (
        <LevelSettings
          level={editing}
          product={products.get(editing.product_id)}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            levels.set(
              (page) =>
                page && {
                  ...page,
                  items: page.items.map((l) => (l.product_id === saved.product_id ? saved : l)),
                },
            );
          }}
        />
      )}
      {props.canWrite && <AdjustStock location={props.location} />}
      <OpenCounts locationId={id} canWrite={props.canWrite} loaded={counts} />
      <Section title="Recent movements">
        <Show loaded={movements}>
          {(page) => (
            <>
              <MovementsTable movements={page.items} products={products} />
              <Pager pager={movePager} nextCursor={page.next_cursor} />
            </>
          )}
        </Show>
      </Section>
    </>
  );
}

/**
 * A page of levels with a movement's level when newer than the one shown; a product not shown yet joins
 * only the one page there is (on a longer list, its place may be on another page).
 */
const withLevel =
  (locationId: string, firstPage: boolean) =>
  (page: Page<Level>, f: MovementFrame): Page<Level> => {
    const at = page.items.findIndex((l) => l.product_id === f.movement.product_id);
    if (at < 0) {
      if (!firstPage || page.next_cursor) return page;
      const added: Level = {
        product_id: f.movement.product_id,
        location_id: locationId,
        ...f.level,
        low_stock_threshold: null,
        bin: null,
        updated_at: f.movement.created_at,
      };
      const items = [...page.items, added].sort((a, b) => (a.product_id < b.product_id ? -1 : 1));
      return { ...page, items };
    }
    const old = page.items[at] as Level;
    if (old.version >= f.level.version) return page;
    const items = [...page.items];
    items[at] = { ...old, ...f.level, updated_at: f.movement.created_at };
    return { ...page, items };
  };

/** The ledger's first page with a movement on top, unless it is there already or older than the top. */
function withMovement(page: Page<Movement>, f: MovementFrame): Page<Movement> {
  const top = page.items[0];
  if (top && f.movement.seq <= top.seq) return page;
  return { ...page, items: [f.movement, ...page.items] };
}
