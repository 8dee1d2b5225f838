// Files from the API (CSV reports) saved as the reader's download: fetched with the session's token (a
// plain link would carry none), then handed to the browser as a blob with the file's name.
import { apiResponse, type CallOptions } from "../../api";
import { useAction } from "../../ui/hooks";
import { ProblemNote } from "../../ui/parts";

/** The file name the API gives in Content-Disposition, or the fallback. */
function fileNameOf(res: Response, fallback: string): string {
  const found = /filename="?([^";]+)"?/.exec(res.headers.get("content-disposition") ?? "");
  return found?.[1] ?? fallback;
}

export async function download(path: string, query: CallOptions["query"], fallback: string): Promise<void> {
  const res = await apiResponse(path, { query, headers: { accept: "text/csv" } });
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileNameOf(res, fallback);
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
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
