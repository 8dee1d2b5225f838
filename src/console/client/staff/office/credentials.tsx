// Machines' credentials: API keys for integrations (scoped to permissions) and device tokens for the shop
// floor's agents (online or offline by their heartbeats). Each secret is shown once when made; revoking
// stops it at once.
import { useState } from "hono/jsx/dom";
import { api } from "../../api";
import { day, when, words } from "../../format";
import { useAction, useLoad } from "../../ui/hooks";
import { Badge, Field, ProblemNote, Section, Select, Show, Table } from "../../ui/parts";
import { ConfirmButton, Secret } from "./once";
import type { ApiKey, CreatedApiKey, Device, RegisteredDevice } from "./types";

/** A list answered as `{ items }`, a revoke that keeps the row (now revoked), and its error. */
function useRevocable<T extends { id: string }>(path: string) {
  const list = useLoad(() => api<{ items: T[] }>(path), [path]);
  const revoke = useAction();
  const run = async (row: T) => {
    const done = await revoke.run(async () => {
      await api(`${path}/${row.id}`, { method: "DELETE" });
      return true;
    });
    if (done) list.reload();
  };
  return { list, revoke, run };
}

export function ApiKeys(props: { modules: string[] }) {
  const { list, revoke, run } = useRevocable<ApiKey>("/api-keys");
  return (
    <Section title="API keys">
      <p class="muted">For integrations: each key may do only what its scopes allow.</p>
      <ProblemNote error={revoke.error} />
      <Show loaded={list}>
        {(data) => (
          <Table
            caption="API keys"
            rows={data.items}
            empty="No API keys yet."
            columns={[
              { label: "Name", cell: (k) => k.name },
              { label: "Starts with", cell: (k) => <code>{k.prefix}…</code> },
              { label: "Scopes", cell: (k) => k.scopes.join(", ") },
              { label: "Made", cell: (k) => day(k.created_at) },
              { label: "Last used", cell: (k) => when(k.last_used_at) },
              {
                label: "State",
                cell: (k) =>
                  k.revoked_at ? (
                    <span>revoked {day(k.revoked_at)}</span>
                  ) : (
                    <ConfirmButton
                      label="Revoke"
                      what={`Revoke the key ${k.name}`}
                      busy={revoke.busy}
                      onConfirm={() => run(k)}
                    />
                  ),
              },
            ]}
          />
        )}
      </Show>
      <NewKey modules={props.modules} made={list.reload} />
    </Section>
  );
}

function NewKey(props: { modules: string[]; made: () => void }) {
  const [name, setName] = useState("");
  const [access, setAccess] = useState<Record<string, string>>({});
  const [made, setMade] = useState<CreatedApiKey | null>(null);
  const action = useAction();
  const submit = async (event: Event) => {
    event.preventDefault();
    // Write includes read: a key that may change orders may also read them.
    const scopes = Object.entries(access).flatMap(([m, a]) =>
      a === "write" ? [`${m}:read`, `${m}:write`] : a === "read" ? [`${m}:read`] : [],
    );
    const created = await action.run(() =>
      api<CreatedApiKey>("/api-keys", { method: "POST", body: { name, scopes } }),
    );
    if (!created) return;
    setMade(created);
    setName("");
    setAccess({});
    props.made();
  };
  return (
    <>
      <h3>Make an API key</h3>
      {made && <Secret label={`API key ${made.name}`} value={made.key} onDone={() => setMade(null)} />}
      <form onSubmit={submit}>
        <Field label="Key name" name="name" required value={name} error={action.error} onInput={setName} />
        <fieldset class="scopes">
          <legend>Scopes</legend>
          <div class="grid">
            {props.modules.map((m) => (
              <Select
                label={words(m)}
                name={`scope-${m}`}
                value={access[m] ?? ""}
                options={[
                  ["", "no access"],
                  ["read", "read"],
                  ["write", "read and write"],
                ]}
                onChange={(v) => setAccess((a) => ({ ...a, [m]: v }))}
              />
            ))}
          </div>
        </fieldset>
        <ProblemNote error={action.error} />
        <button type="submit" disabled={action.busy}>
          {action.busy ? "Making…" : "Make key"}
        </button>
      </form>
    </>
  );
}

export function Devices() {
  const { list, revoke, run } = useRevocable<Device>("/devices");
  return (
    <Section
      title="Devices"
      actions={
        <button type="button" class="secondary" onClick={list.reload}>
          Refresh
        </button>
      }
    >
      <p class="muted">Card readers and scanners' agents on the shop floor, each with its own token.</p>
      <ProblemNote error={revoke.error} />
      <Show loaded={list}>
        {(data) => (
          <Table
            caption="Devices"
            rows={data.items}
            empty="No devices yet."
            columns={[
              { label: "Name", cell: (d) => d.name },
              { label: "Where", cell: (d) => d.location ?? "—" },
              { label: "Status", cell: (d) => <Badge value={d.status} /> },
              { label: "Last seen", cell: (d) => when(d.last_seen_at) },
              { label: "Agent", cell: (d) => d.agent_version ?? "—" },
              { label: "Heartbeat", cell: (d) => `every ${d.heartbeat_seconds} s`, numeric: true },
              {
                label: "Token",
                cell: (d) =>
                  d.revoked_at ? (
                    <span>revoked {day(d.revoked_at)}</span>
                  ) : (
                    <ConfirmButton
                      label="Revoke"
                      what={`Revoke the device ${d.name}`}
                      busy={revoke.busy}
                      onConfirm={() => run(d)}
                    />
                  ),
              },
            ]}
          />
        )}
      </Show>
      <NewDevice made={list.reload} />
    </Section>
  );
}

function NewDevice(props: { made: () => void }) {
  const blank = { name: "", location: "", heartbeat_seconds: "" };
  const [form, setForm] = useState(blank);
  const [made, setMade] = useState<RegisteredDevice | null>(null);
  const action = useAction();
  const set = (name: keyof typeof blank) => (value: string) => setForm((f) => ({ ...f, [name]: value }));
  const submit = async (event: Event) => {
    event.preventDefault();
    const created = await action.run(() =>
      api<RegisteredDevice>("/devices", {
        method: "POST",
        body: {
          name: form.name,
          location: form.location.trim() || undefined,
          heartbeat_seconds: form.heartbeat_seconds ? Number(form.heartbeat_seconds) : undefined,
        },
      }),
    );
    if (!created) return;
    setMade(created);
    setForm(blank);
    props.made();
  };
  return (
    <>
      <h3>Register a device</h3>
      {made && <Secret label={`Token for ${made.name}`} value={made.token} onDone={() => setMade(null)} />}
      <form onSubmit={submit}>
        <div class="row">
          <Field
            label="Device name"
            name="name"
            required
            value={form.name}
            error={action.error}
            onInput={set("name")}
          />
          <Field
            label="Location"
            name="location"
            value={form.location}
            error={action.error}
            onInput={set("location")}
          />
        </div>
        <Field
          label="Heartbeat (seconds)"
          name="heartbeat_seconds"
          type="number"
          min={15}
          value={form.heartbeat_seconds}
          hint="Silent longer than this, it shows offline. Default 60."
          error={action.error}
          onInput={set("heartbeat_seconds")}
        />
        <ProblemNote error={action.error} />
        <button type="submit" disabled={action.busy}>
          {action.busy ? "Registering…" : "Register device"}
        </button>
      </form>
    </>
  );
}
