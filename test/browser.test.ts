import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { renderPage } from "../src/intake/browser";

describe("Browser Rendering", () => {
  it("renders a page in a real Chromium through the BROWSER binding, scripts included", async () => {
    const page = await renderPage(env, `${env.TEST_SERVER_URL}/pages/rendered.html`, {
      waitFor: "#orders td.ref",
    });
    expect(page.title).toBe("Portal orders");
    expect(page.text).toContain("PO-4711");
    expect(page.html).toContain('<td class="ref">PO-4711</td>');
  }, 60_000);
});
