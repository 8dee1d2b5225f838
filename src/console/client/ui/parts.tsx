// The console's small parts: problems in words, fields (inputs, text areas, check boxes) with their errors,
// tables, paging, progress, badges.
import type { Child } from "hono/jsx";
import { useId, useState } from "hono/jsx/dom";
import { ApiError, errorText } from "../api";
import { words } from "../format";

/** An error from the API (or anything else), in words, announced to screen readers. */
export function ProblemNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p class="problem" role="alert">
      {errorText(error)}
    </p>
  );
}

export function Loading({ what = "Loading" }: { what?: string }) {
  return (
    <p class="muted" aria-busy="true">
      {what}…
    </p>
  );
}

/** A screen's loaded data: a spinner, the error, or the content. */
export function Show<T>(props: {
  loaded: { data: T | undefined; error: string | null; loading: boolean };
  children: (data: T) => Child;
}) {
  const { data, error, loading } = props.loaded;
  if (error)
    return (
      <p class="problem" role="alert">
        {error}
      </p>
    );
  if (data === undefined) return loading ? <Loading /> : null;
  return <>{props.children(data)}</>;
}

type InputType =
  | "text"
  | "email"
  | "password"
  | "number"
  | "search"
  | "date"
  | "datetime-local"
  | "file"
  | "tel";

/**
 * What every field has around its control: an id for the label, the API error for `name` (the problem's
 * `errors[]` entry) and the hint, both tied to the control by aria-describedby, shown beneath it.
 */
function useFieldFrame(props: { name?: string | undefined; error?: unknown; hint?: string | undefined }) {
  const id = useId();
  const message =
    props.name !== undefined && props.error instanceof ApiError ? props.error.field(props.name) : undefined;
  const described = [message ? `${id}-error` : "", props.hint ? `${id}-hint` : ""].filter(Boolean).join(" ");
  const below = (
    <>
      {props.hint && (
        <small id={`${id}-hint`} class="muted">
          {props.hint}
        </small>
      )}
      {message && (
        <small id={`${id}-error`} class="field-error">
          {message}
        </small>
      )}
    </>
  );
  return { id, invalid: message ? "true" : undefined, described: described || undefined, below };
}

/** A labelled input whose API error (the problem's `errors[]` entry for `name`) shows beneath it. */
export function Field(props: {
  label: string;
  name: string;
  type?: InputType;
  value?: string | number;
  required?: boolean;
  error?: unknown;
  hint?: string;
  autocomplete?: string;
  min?: number;
  step?: string;
  accept?: string;
  placeholder?: string;
  /** For `type="file"`: take several files. */
  multiple?: boolean;
  onInput?: (value: string) => void;
  /** For `type="file"`: the files picked (none when the pick was cleared). */
  onFiles?: (files: File[]) => void;
}) {
  const frame = useFieldFrame(props);
  return (
    <div class="field">
      <label for={frame.id}>{props.label}</label>
      <input
        id={frame.id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.type === "file" ? undefined : (props.value ?? "")}
        multiple={props.multiple}
        required={props.required}
        autocomplete={props.autocomplete}
        min={props.min}
        step={props.step}
        accept={props.accept}
        placeholder={props.placeholder}
        aria-invalid={frame.invalid}
        aria-describedby={frame.described}
        onInput={(e: Event) => props.onInput?.((e.target as HTMLInputElement).value)}
        onChange={(e: Event) => props.onFiles?.([...((e.target as HTMLInputElement).files ?? [])])}
      />
      {frame.below}
    </div>
  );
}

/** A whole quantity of at least one, as the cart takes it (adding a product, changing a line). */
export function QuantityField(props: { value: string; error: unknown; onInput: (value: string) => void }) {
  return <Field label="Quantity" name="quantity" type="number" min={1} step="1" required {...props} />;
}

/** A labelled multi-line text box, framed as Field is. */
export function TextArea(props: {
  label: string;
  name?: string;
  value: string;
  required?: boolean;
  maxlength?: number;
  error?: unknown;
  hint?: string;
  onInput: (value: string) => void;
}) {
  const frame = useFieldFrame(props);
  return (
    <div class="field">
      <label for={frame.id}>{props.label}</label>
      <textarea
        id={frame.id}
        name={props.name}
        required={props.required}
        maxlength={props.maxlength}
        value={props.value}
        aria-invalid={frame.invalid}
        aria-describedby={frame.described}
        onInput={(e: Event) => props.onInput((e.target as HTMLTextAreaElement).value)}
      />
      {frame.below}
    </div>
  );
}

/** A labelled checkbox. */
export function Check(props: {
  label: string;
  name: string;
  checked: boolean;
  onChange: (on: boolean) => void;
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>
        <input
          id={id}
          type="checkbox"
          name={props.name}
          checked={props.checked}
          onChange={(e: Event) => props.onChange((e.target as HTMLInputElement).checked)}
        />{" "}
        {props.label}
      </label>
    </div>
  );
}

export function Select(props: {
  label: string;
  name: string;
  value: string;
  options: readonly (string | [string, string])[];
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        onChange={(e: Event) => props.onChange((e.target as HTMLSelectElement).value)}
      >
        {props.options.map((option) => {
          const [value, text] = typeof option === "string" ? [option, words(option) || "any"] : option;
          return (
            <option value={value} selected={value === props.value}>
              {text}
            </option>
          );
        })}
      </select>
    </div>
  );
}

export interface Column<T> {
  label: string;
  cell: (row: T) => Child;
  /** Numbers read right-aligned. */
  numeric?: boolean;
}

/** A table that scrolls sideways on a phone rather than squeezing its columns. */
export function Table<T>(props: { caption: string; rows: T[]; columns: Column<T>[]; empty?: string }) {
  if (props.rows.length === 0) return <p class="muted">{props.empty ?? "Nothing here yet."}</p>;
  return (
    // Focusable, so a keyboard can scroll a table wider than a phone.
    <section class="table-wrap" aria-label={props.caption} tabindex={0}>
      <table>
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th scope="col" class={c.numeric ? "num" : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr>
              {props.columns.map((c) => (
                <td class={c.numeric ? "num" : undefined}>{c.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Cursor paging for newest-first lists: the cursors walked so far, to go back as well as on. */
export function usePager() {
  const [trail, setTrail] = useState<string[]>([]);
  return {
    cursor: trail[trail.length - 1],
    page: trail.length + 1,
    next: (cursor: string) => setTrail((t) => [...t, cursor]),
    back: () => setTrail((t) => t.slice(0, -1)),
    reset: () => setTrail([]),
  };
}

export function Pager(props: { pager: ReturnType<typeof usePager>; nextCursor: string | null | undefined }) {
  const { pager, nextCursor } = props;
  if (pager.page === 1 && !nextCursor) return null;
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={pager.page === 1} onClick={pager.back}>
        Newer
      </button>
      <span>Page {pager.page}</span>
      <button type="button" disabled={!nextCursor} onClick={() => nextCursor && pager.next(nextCursor)}>
        Older
      </button>
    </nav>
  );
}

export function Badge({ value }: { value: string }) {
  return <span class={`badge badge-${value}`}>{words(value)}</span>;
}

/** Long work (imports, label jobs): how far, in a bar and in words. */
export function Progress(props: { label: string; done: number; total: number | null; detail?: string }) {
  const id = useId();
  return (
    <div class="progress">
      <label for={id}>{props.label}</label>
      <progress id={id} value={props.done} max={props.total ?? undefined} />
      <small class="muted">
        {props.total ? `${props.done} of ${props.total}` : `${props.done}`}
        {props.detail ? ` · ${props.detail}` : ""}
      </small>
    </div>
  );
}

export function Section(props: { title: string; children: Child; actions?: Child }) {
  return (
    <section class="card">
      <header class="card-head">
        <h2>{props.title}</h2>
        {props.actions}
      </header>
      {props.children}
    </section>
  );
}
