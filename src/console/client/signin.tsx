// Sign-in, the same page for staff and customers: each lands on their own console.
import { useState } from "hono/jsx/dom";
import { SessionError, signIn } from "./session";
import { ProblemNote } from "./ui/parts";

export function SignIn(props: { onSignedIn: () => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <main id="main" class="signin">
      <h1>ROMS</h1>
      <p class="muted">Retail Operations Management System. Sign in to your console.</p>
      <form
        onSubmit={async (event: Event) => {
          event.preventDefault();
          setBusy(true);
          setError(null);
          try {
            await signIn(email, password);
            props.onSignedIn();
          } catch (reason) {
            setError(reason instanceof SessionError ? reason : new Error(String(reason)));
          } finally {
            setBusy(false);
          }
        }}
      >
        <div class="field">
          <label for="email">Email</label>
          <input
            id="email"
            name="email"
            type="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e: Event) => setEmail((e.target as HTMLInputElement).value)}
          />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e: Event) => setPassword((e.target as HTMLInputElement).value)}
          />
        </div>
        <ProblemNote error={error} />
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <footer class="links">
        <a href="/docs">API reference</a> · <a href="/openapi.json">OpenAPI</a> ·{" "}
        <a href="/asyncapi.json">Rooms protocol</a> · <a href="/health">Health</a>
      </footer>
    </main>
  );
}
