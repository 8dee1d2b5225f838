// People who sign in: search by name or email, filter by role and status, newest first; add one with a
// role (a generated password is shown once), disable or re-enable them (disabling ends their sessions).
import { useState } from "hono/jsx/dom";
import { api } from "../../api";
import { day, words } from "../../format";
import { setQuery, useLocation } from "../../router";
import type { Me, Page } from "../../types";
import { useAction, useLoad, useSafeEffect } from "../../ui/hooks";
import { Badge, Field, Pager, ProblemNote, Section, Select, Show, Table, usePager } from "../../ui/parts";
import { ConfirmButton, Secret } from "./once";
import type { CreatedUser, RoleInfo, User } from "./types";

export function Users(props: { me: Me; roles: RoleInfo[]; canWrite: boolean }) {
  const { query } = useLocation();
  const q = query.get("q") ?? "";
  const role = query.get("role") ?? "";
  const status = query.get("status") ?? "";
  const [text, setText] = useState(q);
  const pager = usePager();
  useSafeEffect(() => pager.reset(), [q, role, status]);
  const users = useLoad(
    () => api<Page<User>>("/users", { query: { q, role, status, cursor: pager.cursor, limit: 25 } }),
    [q, role, status, pager.cursor],
  );
  const change = useAction();
  const setStatus = async (user: User, to: "disable" | "enable") => {
    const changed = await change.run(() => api<User>(`/users/${user.id}/${to}`, { method: "POST" }));
    if (changed)
      users.set((page) => ({
        items: (page?.items ?? []).map((u) => (u.id === changed.id ? changed : u)),
        next_cursor: page?.next_cursor ?? null,
      }));
  };
  const roleNames = props.roles.map((r) => r.role);
  return (
    <Section title="Users">
      <form
        class="row"
        onSubmit={(e: Event) => {
          e.preventDefault();
          setQuery({ q: text.trim() });
        }}
      >
        <div class="field">
          <label for="user-search">Search users</label>
          <input
            id="user-search"
            type="search"
            name="q"
            value={text}
            placeholder="Name or email"
            onInput={(e: Event) => setText((e.target as HTMLInputElement).value)}
          />
        </div>
        <Select
          label="Filter by role"
          name="filter-role"
          value={role}
          options={[["", "any role"], ...roleNames]}
          onChange={(v) => setQuery({ role: v })}
        />
        <Select
          label="Filter by status"
          name="filter-status"
          value={status}
          options={[["", "active and disabled"], "active", "disabled"]}
          onChange={(v) => setQuery({ status: v })}
        />
        <button type="submit">Search</button>
      </form>
      <ProblemNote error={change.error} />
      <Show loaded={users}>
        {(page) => (
          <>
            <Table
              caption="Users"
              rows={page.items}
              empty="No users match."
              columns={[
                { label: "Name", cell: (u) => u.name },
                { label: "Email", cell: (u) => u.email },
                { label: "Role", cell: (u) => u.role },
                { label: "Status", cell: (u) => <Badge value={u.status} /> },
                {
                  label: "Modules",
                  cell: (u) =>
                    u.allowed_modules ? u.allowed_modules.map(words).join(", ") : "all of the role's",
                },
                { label: "Since", cell: (u) => day(u.created_at) },
                ...(props.canWrite
                  ? [
                      {
                        label: "Access",
                        cell: (u: User) =>
                          u.id === props.me.id ? (
                            <span class="muted">you</span>
                          ) : u.status === "active" ? (
                            <ConfirmButton
                              label="Disable"
                              what={`Disable ${u.name}`}
                              busy={change.busy}
                              onConfirm={() => setStatus(u, "disable")}
                            />
                          ) : (
                            <button
                              type="button"
                              class="link"
                              aria-label={`Enable ${u.name}`}
                              disabled={change.busy}
                              onClick={() => setStatus(u, "enable")}
                            >
                              Enable
                            </button>
                          ),
                      },
                    ]
                  : []),
              ]}
            />
            <Pager pager={pager} nextCursor={page.next_cursor} />
          </>
        )}
      </Show>
      {props.canWrite && <NewUser roles={roleNames} added={users.reload} />}
    </Section>
  );
}

function NewUser(props: { roles: string[]; added: () => void }) {
  const blank = { email: "", name: "", role: "staff", password: "", customer_id: "" };
  const [form, setForm] = useState(blank);
  const [secret, setSecret] = useState<{ email: string; password: string } | null>(null);
  const action = useAction();
  const set = (name: keyof typeof blank) => (value: string) => setForm((f) => ({ ...f, [name]: value }));
  const submit = async (event: Event) => {
    event.preventDefault();
    const created = await action.run(() =>
      api<CreatedUser>("/users", {
        method: "POST",
        body: {
          email: form.email.trim(),
          name: form.name,
          role: form.role,
          password: form.password || undefined,
          customer_id: form.role === "customer" ? form.customer_id.trim() || undefined : undefined,
        },
      }),
    );
    if (!created) return;
    setForm(blank);
    if (created.password) setSecret({ email: created.email, password: created.password });
    props.added();
  };
  return (
    <>
      <h3>Add a user</h3>
      {secret && (
        <Secret
          label={`Password for ${secret.email}`}
          value={secret.password}
          onDone={() => setSecret(null)}
        />
      )}
      <form onSubmit={submit}>
        <div class="row">
          <Field
            label="Email"
            name="email"
            type="email"
            autocomplete="off"
            required
            value={form.email}
            error={action.error}
            onInput={set("email")}
          />
          <Field
            label="Name"
            name="name"
            required
            value={form.name}
            error={action.error}
            onInput={set("name")}
          />
          <Select label="Role" name="role" value={form.role} options={props.roles} onChange={set("role")} />
        </div>
        <div class="row">
          <Field
            label="Password"
            name="password"
            type="password"
            autocomplete="new-password"
            value={form.password}
            hint="Left empty: one is made up and shown once."
            error={action.error}
            onInput={set("password")}
          />
          {form.role === "customer" && (
            <Field
              label="Customer id"
              name="customer_id"
              required
              value={form.customer_id}
              hint="The customer whose orders they see (from the customer's page address)."
              error={action.error}
              onInput={set("customer_id")}
            />
          )}
        </div>
        <ProblemNote error={action.error} />
        <button type="submit" disabled={action.busy}>
          {action.busy ? "Adding…" : "Add user"}
        </button>
      </form>
    </>
  );
}
