// The billing phase of `npm run bench` (BENCH_ONLY=billing): invoice PDFs per second. 200 delivered sales
// (each invoiced in its delivery's batch) have their invoice PDF asked for the first time (so each is rendered
// by pdf-lib with the DejaVu fonts and kept in R2), one at a time and then 4 at a time; then the same PDFs
// again, now read back from R2. The work is CPU bound PDF drawing, so these are absolute figures, with no
// bare Worker.
import { roomsBench } from "./rooms.mjs";
import { percentile, results } from "./wrk.mjs";

const port = 8808;
const INVOICES = 200;

async function json(res, what) {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Asks for each PDF with `parallel` requests in flight; per-request times and the total. */
async function fetchAll(base, admin, ids, parallel) {
  const times = [];
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < ids.length) {
        const id = ids[next++];
        const t = performance.now();
        const res = await fetch(`${base}/api/v1/invoices/${id}/pdf`, { headers: admin });
        const bytes = new Uint8Array(await res.arrayBuffer());
        if (res.status !== 200 || new TextDecoder().decode(bytes.subarray(0, 5)) !== "%PDF-")
          throw new Error(`invoice ${id}: ${res.status}`);
        times.push(performance.now() - t);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, times };
}

export async function billingPhase() {
  const { roms, admin } = await roomsBench("billing", port, 0);
  try {
    const base = roms.base;
    const customer = await json(
      await fetch(`${base}/api/v1/customers`, {
        method: "POST",
        headers: admin,
        body: JSON.stringify({ company: "Bench Buyer GmbH", tax_id: "DE999999999" }),
      }),
      "customer",
    );
    const ids = [];
    for (let i = 0; i < INVOICES + 8; i++) {
      const made = await json(
        await fetch(`${base}/api/v1/orders/intake`, {
          method: "POST",
          headers: admin,
          body: JSON.stringify({
            source: "bench",
            external_ref: `INV-${i}`,
            kind: "sale",
            customer_id: customer.id,
            currency: "EUR",
            status: "delivered",
            lines: Array.from({ length: 8 }, (_, n) => ({
              sku: `SKU-${n}`,
              name: `Product ${n} with a longer name`,
              quantity: n + 1,
              unit_price: 1299 + n * 100,
              tax_rate_bp: n % 2 ? 700 : 1900,
            })),
            shipping: 490,
          }),
        }),
        "order",
      );
      const billing = await json(
        await fetch(`${base}/api/v1/orders/${made.order.id}/billing`, { headers: admin }),
        "billing",
      );
      ids.push(billing.invoice.id);
    }
    // Not counted: the isolate loads pdf-lib, fontkit and the fonts.
    await fetchAll(base, admin, ids.slice(0, 8), 1);
    const todo = ids.slice(8);
    const one = await fetchAll(base, admin, todo.slice(0, INVOICES / 2), 1);
    const four = await fetchAll(base, admin, todo.slice(INVOICES / 2), 4);
    const kept = await fetchAll(base, admin, todo, 4);
    const line = (name, r) => {
      const summary = {
        name,
        invoices_per_second: Math.round((r.times.length / r.seconds) * 10) / 10,
        p50_ms: Math.round(percentile(r.times, 50)),
        p99_ms: Math.round(percentile(r.times, 99)),
      };
      results.push(summary);
      console.log(
        `  ${name}: ${summary.invoices_per_second} invoice PDFs/s (p50 ${summary.p50_ms} ms, p99 ${summary.p99_ms} ms per PDF)`,
      );
    };
    console.log(
      `billing: invoice PDFs (8 lines, 2 tax rates, A4, DejaVu subset) under wrangler dev (local workerd), ${INVOICES / 2} each`,
    );
    line("invoice PDF rendered, 1 at a time", one);
    line("invoice PDF rendered, 4 at a time", four);
    line("invoice PDF kept in R2, 4 at a time", kept);
  } finally {
    roms.child.kill("SIGTERM");
    if (roms.child.exitCode === null) await new Promise((r) => roms.child.once("exit", r));
  }
}
