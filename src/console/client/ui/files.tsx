// Files from the API (PDFs, CSVs, error files) fetched with the session's token (a plain link would carry
// none) into blob URLs: kept to open or save again, or handed straight to the browser's downloads.
import { useRef, useState } from "hono/jsx/dom";
import { apiResponse, type CallOptions } from "../api";
import { useAction, useSafeEffect } from "./hooks";
import { ProblemNote } from "./parts";

export interface Fetched {
  url: string;
  name: string;
  type: string;
  size: number;
}

/** The file's name as the API sent it (Content-Disposition), else the fallback. */
const nameOf = (res: Response, fallback: string) =>
  /filename="?([^";]+)"?/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? fallback;

/** Fetches a file with the bearer token into a blob URL (revoked when replaced or when the screen leaves). */
export function useFile() {
  const [file, setFile] = useState<Fetched | null>(null);
  const action = useAction();
  const current = useRef<string | null>(null);
  useSafeEffect(
    () => () => {
      if (current.current) URL.revokeObjectURL(current.current);
    },
    [],
  );
  const fetchFile = (path: string, fallback: string, save = false) =>
    action.run(async () => {
      const res = await apiResponse(path, { headers: { accept: "*/*" } });
      const blob = await res.blob();
      if (current.current) URL.revokeObjectURL(current.current);
      const url = URL.createObjectURL(blob);
      current.current = url;
      const fetched = { url, name: nameOf(res, fallback), type: blob.type, size: blob.size };
      setFile(fetched);
      if (save) saveAs(fetched);
      return fetched;
    });
  return { file, action, fetchFile, clear: () => setFile(null) };
}

/** Hands a fetched file to the browser's downloads. */
export function saveAs(file: Fetched) {
  const a = document.createElement("a");
  a.href = file.url;
  a.download = file.name;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** The fetched file, to open in a new tab or save again. */
export function FileLinks({ file }: { file: Fetched | null }) {
  if (!file) return null;
  return (
    <p class="note" aria-live="polite">
      Ready: {file.name} ({Math.max(1, Math.round(file.size / 1024))} KB) ·{" "}
      <a href={file.url} target="_blank" rel="noopener">
        Open {file.name}
      </a>{" "}
      ·{" "}
      <a href={file.url} download={file.name}>
        Save {file.name}
      </a>
    </p>
  );
}

/** Fetches a file and saves it at once (the blob URL is let go a minute later). */
export async function download(path: string, query: CallOptions["query"], fallback: string): Promise<void> {
  const res = await apiResponse(path, { query, headers: { accept: "*/*" } });
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  saveAs({ url, name: nameOf(res, fallback), type: blob.type, size: blob.size });
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A button that downloads a CSV, with the API's refusal in words beside it. */
export function CsvButton(props: { label: string; path: string; query: CallOptions["query"]; file: string }) {
  const action = useAction();
  return (
    <div class="csv">
      <button
        type="button"
        class="secondary"
        disabled={action.busy}
        onClick={() => action.run(() => download(props.path, props.query, props.file))}
      >
        {action.busy ? "Preparing…" : props.label}
      </button>
      <ProblemNote error={action.error} />
    </div>
  );
}
