// The scrapes phase of `npm run bench` (BENCH_ONLY=scrapes): a 5-page order list (rows rendered by script
// 200 ms after load, a next link per page) served by a loopback server, scraped by a target run now
// (POST /scrapes/targets/{id}/run) under `wrangler dev` with the local Browser Rendering binding, 8 runs one
// after another: seconds per target, and pages per minute with Browser Rendering sessions reused across runs
// (ROMS's default) against a browser started and closed per run (SCRAPE_SESSION_REUSE=false). Absolute
// figures: the work is a browser's, with no bare-Worker counterpart.
import { createServer } from "node:http";
import { roomsBench } from "./rooms.mjs";
import { percentile, results } from "./wrk.mjs";

const port = 8809;
const RUNS = 8;
const PAGES = 5;
const PER_PAGE = 20;

function pagesServer() {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://loopback");
    const page = Number(url.searchParams.get("page") ?? "1");
    const rows = Array.from({ length: PER_PAGE }, (_, i) => {
      const n = (page - 1) * PER_PAGE + i + 1;
      return `<tr class="order"><td class="number">PO-${n}</td><td class="status">Shipped</td><td class="tracking"><a href="https://track.example/T${n}">T${n}</a></td></tr>`;
    }).join("");
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html><body><table id="orders"></table>${page < PAGES ? `<a class="next" href="/orders?page=${page + 1}">Next</a>` : ""}
<script>setTimeout(() => { document.getElementById("orders").innerHTML = ${JSON.stringify(rows)}; document.body.dataset.ready = "1"; }, 200);</script></body></html>`);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function measure(reuse, listUrl) {
  const { roms, admin } = await roomsBench(`scrapes-${reuse ? "reuse" : "fresh"}`, port, 0, {
    SCRAPE_SESSION_REUSE: String(reuse),
  });
  try {
    const res = await fetch(`${roms.base}/api/v1/scrapes/targets`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({
        name: "bench-list",
        start_url: listUrl,
        kind: "order_status",
        interval_minutes: 60,
        recipe: {
          wait_for: "body[data-ready]",
          rows: "tr.order",
          fields: { order_number: { selector: ".number", required: true }, status: { selector: ".status" } },
          next_page: { selector: "a.next", max_pages: PAGES },
          order_source: "bench",
        },
      }),
    });
    if (res.status !== 201) throw new Error(`target: ${res.status} ${await res.text()}`);
    const target = await res.json();
    const runOnce = async () => {
      const t = performance.now();
      const job = await (
        await fetch(`${roms.base}/api/v1/scrapes/targets/${target.id}/run`, {
          method: "POST",
          headers: admin,
        })
      ).json();
      if (job.status !== "ok" || job.pages !== PAGES) throw new Error(`run: ${JSON.stringify(job)}`);
      return performance.now() - t;
    };
    await runOnce(); // not counted: the isolate and the first browser start
    const times = [];
    const started = performance.now();
    for (let i = 0; i < RUNS; i++) times.push(await runOnce());
    const minutes = (performance.now() - started) / 60_000;
    return { times, pagesPerMinute: Math.round((RUNS * PAGES) / minutes) };
  } finally {
    roms.child.kill("SIGTERM");
    if (roms.child.exitCode === null) await new Promise((r) => roms.child.once("exit", r));
  }
}

export async function scrapesPhase() {
  const server = await pagesServer();
  const listUrl = `http://127.0.0.1:${server.address().port}/orders`;
  try {
    console.log(
      `scrapes: a ${PAGES}-page list (${PER_PAGE} rows a page, rendered by script) run ${RUNS} times under wrangler dev`,
    );
    for (const reuse of [true, false]) {
      const { times, pagesPerMinute } = await measure(reuse, listUrl);
      const summary = {
        name: `scrape 5-page list, ${reuse ? "sessions reused" : "a browser per run"}`,
        seconds_per_target_p50: Math.round(percentile(times, 50)) / 1000,
        seconds_per_target_p99: Math.round(percentile(times, 99)) / 1000,
        pages_per_minute: pagesPerMinute,
      };
      results.push(summary);
      console.log(
        `  ${summary.name}: ${summary.seconds_per_target_p50} s per target (p50; p99 ${summary.seconds_per_target_p99} s), ${pagesPerMinute} pages/min`,
      );
    }
  } finally {
    server.close();
  }
}
