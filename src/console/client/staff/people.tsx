// Who and what may use ROMS: users and their roles, what each role may do, and (for those who may change
// users) the API keys of integrations and the devices on the shop floor.
import { api } from "../api";
import { words } from "../format";
import type { ScreenProps } from "../screen";
import { useLoad } from "../ui/hooks";
import { Section, Show, Table } from "../ui/parts";
import { ApiKeys, Devices } from "./office/credentials";
import type { RoleInfo } from "./office/types";
import { Users } from "./office/users";

/** Permissions as people read them: "orders: read, write". */
function permissionText(permissions: string[]): string {
  const byModule = new Map<string, string[]>();
  for (const p of permissions) {
    const [module = p, access = ""] = p.split(":");
    byModule.set(module, [...(byModule.get(module) ?? []), access]);
  }
  return [...byModule].map(([m, a]) => `${words(m)} (${a.join(", ")})`).join("; ") || "nothing";
}

export default function People({ me }: ScreenProps) {
  const roles = useLoad(() => api<{ items: RoleInfo[] }>("/roles"), []);
  const canWrite = me.permissions.includes("users:write");
  return (
    <Show loaded={roles}>
      {({ items }) => {
        // Every permission there is: the union of the roles' (the admin's is all of them).
        const modules = [...new Set(items.flatMap((r) => r.permissions.map((p) => p.split(":")[0] ?? p)))];
        return (
          <>
            <Users me={me} roles={items} canWrite={canWrite} />
            <Section title="Roles">
              <Table
                caption="Roles and what each may do"
                rows={items}
                columns={[
                  { label: "Role", cell: (r) => r.role },
                  { label: "For", cell: (r) => r.description },
                  { label: "May", cell: (r) => permissionText(r.permissions) },
                ]}
              />
              <p class="muted">
                Write includes read. A user's modules can be narrowed further than their role's.
              </p>
            </Section>
            {canWrite ? (
              <>
                <ApiKeys modules={modules} />
                <Devices />
              </>
            ) : (
              <p class="muted">API keys and devices are managed by those who may change users.</p>
            )}
          </>
        );
      }}
    </Show>
  );
}
