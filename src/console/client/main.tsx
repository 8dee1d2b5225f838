// The console in the browser: resumes the session from its cookie, then shows the screen the address names,
// if the signed-in person may see it.
import { render, useState } from "hono/jsx/dom";
import { interceptLinks, match, navigate, useLocation } from "./router";
import { audienceOf, homeOf, may, type ScreenModule } from "./screen";
import { SCREENS, type ScreenDef } from "./screens";
import { currentUser, onSessionChange, resume } from "./session";
import { SignIn } from "./signin";
import type { Me } from "./types";
import { useSafeEffect } from "./ui/hooks";
import { Layout } from "./ui/layout";
import { Loading } from "./ui/parts";

const loaded = new Map<string, ScreenModule>();

function Screen(props: { def: ScreenDef; params: Record<string, string>; me: Me }) {
  // The module with the screen it belongs to: never the last screen's code shown with this one's params.
  const [shown, setShown] = useState<[string, ScreenModule] | undefined>(
    loaded.has(props.def.path) ? [props.def.path, loaded.get(props.def.path)!] : undefined,
  );
  const [failed, setFailed] = useState<string | null>(null);
  useSafeEffect(() => {
    const path = props.def.path;
    const ready = loaded.get(path);
    if (ready) {
      setShown([path, ready]);
      return;
    }
    let current = true;
    props.def
      .load()
      .then((m) => {
        loaded.set(path, m);
        if (current) setShown([path, m]);
      })
      .catch(
        () =>
          current && setFailed("This screen could not be loaded. Check the connection and reload the page."),
      );
    return () => {
      current = false;
    };
  }, [props.def.path]);
  if (failed) return <p class="problem">{failed}</p>;
  if (!shown || shown[0] !== props.def.path) return <Loading />;
  const View = shown[1].default;
  return <View params={props.params} me={props.me} />;
}

function NotForYou(props: { me: Me; why: string }) {
  return (
    <>
      <p class="problem" role="alert">
        {props.why}
      </p>
      <p>
        <a href={homeOf(props.me)}>Go to your console</a>
      </p>
    </>
  );
}

function App() {
  const [booted, setBooted] = useState(false);
  const [me, setMe] = useState<Me | null>(currentUser());
  const { path } = useLocation();
  useSafeEffect(() => {
    const stop = onSessionChange(setMe);
    void booting.then(() => {
      setMe(currentUser());
      setBooted(true);
    });
    return stop;
  }, []);
  useSafeEffect(() => {
    if (me && (path === "/" || path === "/signin")) navigate(homeOf(me), { replace: true });
  }, [me, path]);

  if (!booted) return <Loading what="Opening ROMS" />;
  if (!me) return <SignIn onSignedIn={() => undefined} />;

  for (const def of SCREENS) {
    const params = match(def.path, path);
    if (!params) continue;
    // Keyed by the address: another screen, or another order, starts with fresh state.
    let body = <Screen key={path} def={def} params={params} me={me} />;
    if (def.audience !== audienceOf(me)) {
      body = (
        <NotForYou
          me={me}
          why={
            def.audience === "staff"
              ? "This page is for the shop's staff. Your account is a customer's."
              : "This page is for customers. Staff see orders and customers in their own console."
          }
        />
      );
    } else if (!may(me, def.need)) {
      body = <NotForYou me={me} why={`Your role (${me.role}) cannot see ${def.title.toLowerCase()}.`} />;
    }
    return (
      <Layout me={me} path={path} title={def.title}>
        {body}
      </Layout>
    );
  }
  return (
    <Layout me={me} path={path} title="Not found">
      <NotForYou me={me} why={`There is no page at ${path}.`} />
    </Layout>
  );
}

interceptLinks();
// At once, not in an effect: a tab opened in the background renders late but renews its session now.
const booting = resume().catch(() => null);
render(<App />, document.getElementById("app")!);
