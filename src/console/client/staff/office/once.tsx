// Two small parts for credentials: a secret shown once (ROMS keeps only its hash), and a destructive button
// that asks again before it acts.
import { useId, useRef, useState } from "hono/jsx/dom";
import { useSafeEffect } from "../../ui/hooks";

/** A new secret (a password, an API key, a device token): shown now and never again. */
export function Secret(props: { label: string; value: string; onDone: () => void }) {
  const id = useId();
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
      setCopied("Copied.");
    } catch {
      setCopied("Copying was not allowed here: select the text and copy it.");
    }
  };
  return (
    <div class="note secret" role="status">
      <p>
        <strong>{props.label}:</strong> shown this once. Copy it now; ROMS keeps only a fingerprint of it.
      </p>
      <div class="field">
        <label for={id}>{props.label}</label>
        <input
          id={id}
          readonly
          value={props.value}
          spellcheck={false}
          autocomplete="off"
          onFocus={(e: Event) => (e.target as HTMLInputElement).select()}
        />
      </div>
      <div class="actions">
        <button type="button" onClick={copy}>
          Copy
        </button>
        <button type="button" class="secondary" onClick={props.onDone}>
          I have kept it
        </button>
        {copied && <span aria-live="polite">{copied}</span>}
      </div>
    </div>
  );
}

/** A button for something that cannot be undone: its first press asks, the second acts. */
export function ConfirmButton(props: {
  /** What the button says, e.g. "Revoke". */
  label: string;
  /** What it does to what, for screen readers and the question, e.g. "Revoke the key Shop". */
  what: string;
  busy?: boolean;
  onConfirm: () => void;
}) {
  const [asking, setAsking] = useState(false);
  const yes = useRef<HTMLButtonElement>(null);
  useSafeEffect(() => {
    if (asking) yes.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button
        type="button"
        class="link"
        aria-label={props.what}
        disabled={props.busy}
        onClick={() => setAsking(true)}
      >
        {props.label}
      </button>
    );
  }
  return (
    <span class="actions">
      <button
        type="button"
        class="danger"
        ref={yes}
        onClick={() => {
          setAsking(false);
          props.onConfirm();
        }}
      >
        {props.what}?
      </button>
      <button type="button" class="secondary" onClick={() => setAsking(false)}>
        Keep it
      </button>
    </span>
  );
}
