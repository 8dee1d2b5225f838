// Setting the scene over REST from the test process (Node), as another system or a colleague would.

import { BASE } from "./browser";
import { ADMIN } from "./global-setup";

export class Rest {
  constructor(readonly token: string) {}

  static async signIn(email = ADMIN.email, password = ADMIN.password): Promise<Rest> {
    const res = await fetch(`${BASE}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    if (!res.ok) throw new Error(`sign-in as ${email}: ${res.status} ${await res.text()}`);
    return new Rest(((await res.json()) as { access_token: string }).access_token);
  }

  async call<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${BASE}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get = <T = any>(path: string) => this.call<T>("GET", path);
  post = <T = any>(path: string, body?: unknown) => this.call<T>("POST", path, body ?? {});
  patch = <T = any>(path: string, body: unknown) => this.call<T>("PATCH", path, body);
}

let counter = 0;
/** A name no other test of this run has used. */
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++counter}`;
