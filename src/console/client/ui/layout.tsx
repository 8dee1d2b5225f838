// The frame around every screen: who is signed in, the navigation their role has, and the screen's title
// (focused after each move, so a screen reader announces where the person is).
import type { Child } from "hono/jsx";
import { useRef, useState } from "hono/jsx/dom";
import { navigate } from "../router";
import { audienceOf, may } from "../screen";
import { SCREENS } from "../screens";
import { signOut } from "../session";
import type { Me } from "../types";
import { useSafeEffect } from "./hooks";

export function Layout(props: { me: Me; path: string; title: string; children: Child }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  useSafeEffect(() => {
    document.title = `${props.title} · ROMS`;
    heading.current?.focus();
    setMenuOpen(false);
  }, [props.path]);
  const audience = audienceOf(props.me);
  const links = SCREENS.filter((s) => s.nav && s.audience === audience && may(props.me, s.need));
  const current = (path: string) =>
    props.path === path || (path !== "/shop" && props.path.startsWith(`${path}/`));
  return (
    <div class="frame">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={audience === "customer" ? "/shop" : "/dashboard"}>
          ROMS
        </a>
        <button
          type="button"
          class="menu-toggle"
          aria-expanded={menuOpen ? "true" : "false"}
          aria-controls="nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <span class="who">
          {props.me.name} <span class="muted">({props.me.role})</span>
        </span>
        <button
          type="button"
          class="link"
          onClick={async () => {
            await signOut();
            navigate("/");
          }}
        >
          Sign out
        </button>
      </header>
      <nav id="nav" class={menuOpen ? "side open" : "side"} aria-label="Console">
        <ul>
          {links.map((s) => (
            <li>
              <a href={s.path} aria-current={current(s.path) ? "page" : undefined}>
                {s.nav}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main">
        <h1 ref={heading} tabindex={-1}>
          {props.title}
        </h1>
        {props.children}
      </main>
    </div>
  );
}
