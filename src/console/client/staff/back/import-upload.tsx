// Uploading a sales CSV: a saved format reads it (a new format can be saved here as JSON), a preview shows
// the first rows as they would be imported, and the upload starts the import job.
import { useState } from "hono/jsx/dom";
import { api, apiResponse } from "../../api";
import { count, fromMinor, when } from "../../format";
import { useAction, useLoad } from "../../ui/hooks";
import { Check, Field, ProblemNote, Section, Select, Show, Table, TextArea } from "../../ui/parts";
import type { ImportFormat, ImportJob, ImportPreview } from "./types";

const HEAD_BYTES = 1024 * 1024;
const csv = { "content-type": "text/csv" };

export function ImportUpload(props: { onStarted: (job: ImportJob) => void }) {
  const formats = useLoad(() => api<{ items: ImportFormat[] }>("/imports/formats").then((r) => r.items), []);
  const [format, setFormat] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [rerun, setRerun] = useState(false);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [again, setAgain] = useState<string | null>(null);
  const [missing, setMissing] = useState<string | null>(null);
  const previewing = useAction();
  const uploading = useAction();
  const chosen = format || formats.data?.[0]?.name || "";

  const ready = () => {
    const problem = !chosen
      ? "Save a format first: it says which column is which."
      : !file
        ? "Choose the CSV file first."
        : null;
    setMissing(problem);
    return problem === null;
  };
  const showPreview = async () => {
    if (!ready() || !file) return;
    const answer = await previewing.run(() =>
      api<ImportPreview>("/imports/preview", {
        method: "POST",
        query: { format: chosen, rows: 10 },
        headers: csv,
        body: file.slice(0, HEAD_BYTES, "text/csv"),
      }),
    );
    if (answer) setPreview(answer);
  };
  const upload = async (e: Event) => {
    e.preventDefault();
    setAgain(null);
    if (!ready() || !file) return;
    const answer = await uploading.run(async () => {
      const res = await apiResponse("/imports", {
        method: "POST",
        query: { format: chosen, filename: file.name, rerun: rerun ? "true" : undefined },
        headers: csv,
        body: file,
      });
      return { before: res.status === 200, job: (await res.json()) as ImportJob };
    });
    if (!answer) return;
    if (answer.before)
      setAgain(
        `This file was imported with ${chosen} before (${when(answer.job.created_at)}): that import is shown.`,
      );
    props.onStarted(answer.job);
  };

  return (
    <Section title="Import a sales file">
      <form onSubmit={upload} aria-label="Import a sales file">
        <Show loaded={formats}>
          {(items) =>
            items.length === 0 ? (
              <p class="muted">No formats saved yet: save one below, then import.</p>
            ) : (
              <Select
                label="Format"
                name="format"
                value={chosen}
                options={items.map((f): [string, string] => [f.name, `${f.name} (${f.source})`])}
                onChange={(v) => {
                  setFormat(v);
                  setPreview(null);
                }}
              />
            )
          }
        </Show>
        <Field
          label="Sales CSV"
          name="file"
          accept=".csv,text/csv"
          hint="UTF-8 or Windows-1252, with its header line; up to 100 MiB."
          error={uploading.error}
          type="file"
          onFiles={([f]) => {
            setFile(f ?? null);
            setPreview(null);
          }}
        />
        <Check
          label="Import it again even if this file was imported before"
          name="rerun"
          checked={rerun}
          onChange={setRerun}
        />
        <ProblemNote error={missing} />
        <ProblemNote error={previewing.error} />
        <ProblemNote error={uploading.error} />
        {again && (
          <p class="note" role="status">
            {again}
          </p>
        )}
        <div class="actions">
          <button type="button" class="secondary" disabled={previewing.busy} onClick={showPreview}>
            {previewing.busy ? "Reading…" : "Preview"}
          </button>
          <button type="submit" disabled={uploading.busy}>
            {uploading.busy ? "Uploading…" : "Import"}
          </button>
        </div>
      </form>
      {preview && <PreviewTable preview={preview} />}
      <NewFormat
        file={file}
        onSaved={(f) => {
          formats.reload();
          setFormat(f.name);
        }}
      />
    </Section>
  );
}

function PreviewTable({ preview }: { preview: ImportPreview }) {
  return (
    <>
      <h3>Preview</h3>
      <p class="muted">
        Header on line {preview.header_line}, “{preview.delimiter === "\t" ? "tab" : preview.delimiter}”
        between columns: {preview.headers.join(", ")}
      </p>
      <Table
        caption="The first rows as they would be imported"
        rows={preview.rows}
        empty="The file has no rows after its header."
        columns={[
          { label: "Line", cell: (r) => r.line, numeric: true },
          { label: "Placed", cell: (r) => (r.order ? when(r.order.placed_at) : "—") },
          { label: "SKU", cell: (r) => r.order?.line.sku ?? "—" },
          { label: "Item", cell: (r) => r.order?.line.name ?? "—" },
          { label: "Quantity", cell: (r) => (r.order ? count(r.order.line.quantity) : "—"), numeric: true },
          {
            label: "Unit price",
            cell: (r) =>
              r.order ? `${fromMinor(r.order.line.unit_price, r.order.currency)} ${r.order.currency}` : "—",
            numeric: true,
          },
          { label: "Status", cell: (r) => r.order?.status ?? "—" },
          { label: "Problems", cell: (r) => (r.errors.length ? r.errors.join("; ") : "none") },
        ]}
      />
    </>
  );
}

/** Saving how an export names its columns, as the API takes it (JSON). */
function NewFormat(props: { file: File | null; onSaved: (format: ImportFormat) => void }) {
  const [name, setName] = useState("");
  const [mapping, setMapping] = useState(
    JSON.stringify(
      {
        columns: {
          order_ref: "Order",
          date: "Date",
          sku: "SKU",
          name: "Name",
          quantity: "Qty",
          unit_price: "Price",
        },
        date_format: "YYYY-MM-DD",
        default_currency: "EUR",
        default_status: "delivered",
      },
      null,
      2,
    ),
  );
  const [bad, setBad] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const saving = useAction();
  const save = async (e: Event) => {
    e.preventDefault();
    setSaved(null);
    let body: unknown;
    try {
      body = JSON.parse(mapping);
    } catch {
      return setBad("The mapping is not valid JSON.");
    }
    setBad(null);
    // Checked against the chosen file's header line when there is one.
    const header = props.file
      ? (await props.file.slice(0, 10_000).text()).split(/\r?\n/)[0]?.replace(/^\uFEFF/, "")
      : undefined;
    const format = await saving.run(() =>
      api<ImportFormat>(`/imports/formats/${encodeURIComponent(name.trim())}`, {
        method: "PUT",
        query: { sample_header: header },
        body,
      }),
    );
    if (format) {
      setSaved(`Saved the format ${format.name}.`);
      props.onSaved(format);
    }
  };
  return (
    <details>
      <summary>Save a format</summary>
      <form onSubmit={save} aria-label="Save a format">
        <Field
          label="Name"
          name="name"
          value={name}
          required
          placeholder="shop-2026"
          error={saving.error}
          onInput={setName}
        />
        <TextArea
          label="Mapping (JSON: columns, date_format, time_zone, decimal, default_currency, default_status…)"
          name="columns"
          value={mapping}
          error={saving.error}
          onInput={setMapping}
        />
        <ProblemNote error={bad} />
        <ProblemNote error={saving.error} />
        {saved && (
          <p class="note" role="status">
            {saved}
          </p>
        )}
        <button type="submit" disabled={saving.busy}>
          Save format
        </button>
      </form>
    </details>
  );
}
