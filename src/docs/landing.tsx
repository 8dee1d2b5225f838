// The page at `/`: what ROMS is and where to go from here, server-rendered, with nothing loaded from elsewhere.
import pkg from "../../package.json";

const STYLE = `
body { font: 16px/1.5 system-ui, sans-serif; max-width: 42rem; margin: 3rem auto; padding: 0 1rem; color: #1d1d1f; }
h1 { font-size: 1.6rem; margin-bottom: 0.25rem; }
.version { color: #6e6e73; font-size: 0.9rem; margin-top: 0; }
dt { font-weight: 600; margin-top: 0.75rem; }
dd { margin: 0; }
code { font-size: 0.95em; }
@media (prefers-color-scheme: dark) { body { background: #1e1e20; color: #f5f5f7; } a { color: #8ab4f8; } }
`;

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

function LandingPage() {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>ROMS</title>
        <style dangerouslySetInnerHTML={{ __html: STYLE }} />
      </head>
      <body>
        <h1>ROMS</h1>
        <p class="version">Retail Operations Management System {pkg.version}</p>
        <p>
          The back office of a small commerce business: it captures orders from every channel they arrive on,
          keeps stock true while several people work on it at once, prints labels and invoices, settles claims
          and refunds, and records who clocked in at the shop door. Everything it does is reachable through
          its HTTP API under <code>/api/v1</code>, with an access token from{" "}
          <code>POST /api/v1/auth/login</code>.
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
        <p>
          The browser console, screens for orders, stock, claims and the live rooms, is coming. Until then
          ROMS is used through its API and the reference above.
        </p>
      </body>
    </html>
  );
}

export const landingPage = (): string => `<!doctype html>${(<LandingPage />).toString()}`;
