// The console's page: one small HTML document for every console address. It says what ROMS is and links
// the API's doors (what a visitor without JavaScript, or a newcomer with curl, needs); the console's script
// then replaces that with the sign-in or the screen the address names. Nothing is loaded from elsewhere.
import pkg from "../../package.json";

export const CONSOLE_SCRIPT = "/console/app.js";
export const CONSOLE_STYLE = "/console/app.css";

const LINKS = [
  ["/docs", "API reference", "Every REST endpoint, its parameters and answers, and a client to try them."],
  [
    "/openapi.json",
    "OpenAPI contract",
    "The same, as an OpenAPI 3.1 document for tools and generated clients.",
  ],
  [
    "/asyncapi.json",
    "Rooms protocol",
    "The live rooms' WebSocket frames (chat, presence, order and stock events) as an AsyncAPI 3.0 document.",
  ],
  ["/health", "Health", "Whether this deployment and its database answer."],
] as const;

function Shell() {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>ROMS</title>
        <link rel="icon" href="/console/icon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href={CONSOLE_STYLE} />
        <script type="module" src={CONSOLE_SCRIPT} />
      </head>
      <body>
        <div id="app">
          <main class="boot">
            <h1>ROMS</h1>
            <p class="muted">Retail Operations Management System {pkg.version}</p>
            <p>
              The back office of a small commerce business. The console opens here in a browser with
              JavaScript; everything it does is also reachable through the HTTP API under <code>/api/v1</code>
              .
            </p>
            <dl>
              {LINKS.map(([href, title, text]) => (
                <>
                  <dt>
                    <a href={href}>{title}</a> <code>{href}</code>
                  </dt>
                  <dd>{text}</dd>
                </>
              ))}
            </dl>
          </main>
        </div>
      </body>
    </html>
  );
}

/** Built once per isolate: the page is the same for every address and every person. */
let page: string | undefined;
export const consolePage = (): string => {
  page ??= `<!doctype html>${(<Shell />).toString()}`;
  return page;
};
