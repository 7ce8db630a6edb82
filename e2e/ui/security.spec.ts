/**
 * Web security in Chromium against the real stack: markup in everything a log source or a user controls (log lines,
 * field names and values, loggers, hosts, index titles, saved search names, dead letters) renders as text and runs
 * nothing; every page carries a nonce-based Content-Security-Policy that the app itself never trips, and that
 * blocks and reports script injected into a page anyway; every page sends an anonymous visitor to sign in.
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { savedSearches, type LoggerIndex } from "@/db/schema";
import { registerColumns, setColumnFlags } from "@/lib/indexes/logger-indexes";
import {
  createTestIndex,
  createTestUser,
  db,
  dropTestIndex,
  engineCount,
  publish,
  waitFor,
  type Outgoing,
} from "../../test/helpers";
import { expect, test as signedIn } from "../fixtures";

/** Each sets window.__xss and opens a dialog if it ever runs. */
const X = {
  img: `<img src=x onerror="window.__xss='img';alert('img')">`,
  script: `<script>window.__xss='script';alert('script')</script>`,
  js: `javascript:window.__xss='js';alert('js')`,
  svg: `"><svg onload="window.__xss='svg';alert('svg')">`,
};
const FIELD_IMG = `<img src=x onerror="window.__xss='field';alert('field')">`;
const FIELD_SVG = `"><svg onload="window.__xss='fsvg';alert('fsvg')">`;
const SAVED_NAME = `${X.img} saved`;

type Hostile = { index: LoggerIndex; lines: number };

const test = signedIn.extend<object, { hostile: Hostile }>({
  hostile: [
    async ({}, use) => {
      const index = await createTestIndex({ title: `${X.svg} title` });
      // Filtered and displayed, so the hostile names show as facets and columns as well as in the details.
      await registerColumns(db(), index.name, [FIELD_IMG, FIELD_SVG, "link"]);
      await setColumnFlags(db(), index.name, [FIELD_IMG, FIELD_SVG, "link"], {
        display: true,
        filtered: true,
      });
      const now = Date.now();
      const records: Outgoing[] = [X.img, X.script, X.js, X.svg].map((message, i) => ({
        routingKey: `app.${index.name}`,
        body: {
          message,
          timestamp: new Date(now - 60_000 + i * 1000).toISOString(),
          level: i % 2 ? "error" : "info",
          logger: i % 2 ? X.script : X.js,
          host: i % 2 ? X.svg : X.img,
          [FIELD_IMG]: X.svg,
          [FIELD_SVG]: X.img,
          link: X.js,
          nested: { [X.img]: [X.script, { [X.svg]: X.js }] },
        },
        options: { messageId: `${index.name}-${i}` },
      }));
      // Poison for the admin page: its reason quotes the text, and the page shows the body.
      records.push(
        { routingKey: `app.${index.name}`, body: X.img },
        { routingKey: `app.${index.name}`, body: { level: X.svg, note: X.script } },
      );
      await publish(records);
      await waitFor("hostile lines indexed", async () => (await engineCount(index.name)) === 4, 60_000);
      // Straight into the table: lib/saved-searches is server-only, and the API's rules are not what is tested.
      await db()
        .insert(savedSearches)
        .values({
          indexName: index.name,
          name: SAVED_NAME,
          url: `/grep/${index.name}?q=${encodeURIComponent(X.script)}`,
        });
      await use({ index, lines: 4 });
      await dropTestIndex(index);
    },
    { scope: "worker" },
  ],
});

/** Records every CSP violation the page reports, from before its first script. */
async function watchViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const seen: { directive: string; blocked: string; sample: string; disposition: string }[] = [];
    (window as unknown as { __csp: typeof seen }).__csp = seen;
    document.addEventListener("securitypolicyviolation", (e) =>
      seen.push({
        directive: e.effectiveDirective,
        blocked: e.blockedURI,
        sample: e.sample,
        disposition: e.disposition,
      }),
    );
  });
}

const violations = (page: Page) =>
  page.evaluate(
    () => (window as unknown as { __csp?: { directive: string; disposition: string }[] }).__csp ?? [],
  );

/** Nothing that was text became markup, and nothing ran. */
async function expectInert(page: Page, dialogs: string[]) {
  const found = await page.evaluate(() => ({
    ran: (window as unknown as { __xss?: string }).__xss ?? null,
    handlers: document.querySelectorAll("[onerror], [onload], [onclick], [onmouseover]").length,
    injected: document.querySelectorAll('img[src="x"], iframe, object, embed, svg[onload]').length,
    // Next.js's own inline scripts carry the nonce (and may quote the hostile text as data).
    scripts: [...document.scripts].filter((s) => !s.src && !s.nonce).length,
    jsLinks: [...document.querySelectorAll("a[href], form[action]")].filter((e) =>
      /^\s*javascript:/i.test(e.getAttribute("href") ?? e.getAttribute("action") ?? ""),
    ).length,
  }));
  expect(found).toEqual({ ran: null, handlers: 0, injected: 0, scripts: 0, jsLinks: 0 });
  expect(dialogs).toEqual([]);
}

async function adminPage(browser: Browser, baseURL: string) {
  const admin = await createTestUser("admin");
  const context = await browser.newContext();
  const [name, value] = admin.cookie.split("=") as [string, string];
  await context.addCookies([{ name, value, url: baseURL }]);
  const dialogs: string[] = [];
  const page = await context.newPage();
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return { context, page, dialogs };
}

const rows = (page: Page) => page.getByTestId("log-row");

test.describe("hostile text", () => {
  test("log lines, field names and values, loggers and hosts render as text", async ({
    page,
    context,
    hostile,
    dialogs,
  }) => {
    await watchViolations(context);
    await page.goto(`/grep/${hostile.index.name}`);
    await expect(rows(page)).toHaveCount(hostile.lines);
    for (const text of Object.values(X))
      await expect(page.locator(".msg", { hasText: text }).first()).toHaveText(text);
    // Columns: the hostile loggers, hosts and field values are buttons labelled with the text itself.
    const first = rows(page).filter({ hasText: X.img }).first();
    await expect(first.locator(".cols")).toContainText(X.js);
    await expect(first.locator(".cols")).toContainText(X.svg);
    // Facets: hostile field names as headings, hostile values as buttons.
    await expect(page.getByRole("heading", { name: FIELD_IMG, exact: true })).toBeVisible();
    await expect(page.getByRole("heading", { name: FIELD_SVG, exact: true })).toBeVisible();
    // The value's own button comes first; its "exclude host:…" button beside it names the value too.
    await expect(page.getByTestId("facet-host").getByRole("button", { name: X.svg }).first()).toBeVisible();
    // Details: every key and value, nested ones too.
    // On the time: a column value is a filter button.
    await first.locator(".time").dblclick();
    const details = first.locator(".details");
    for (const text of [FIELD_IMG, FIELD_SVG, X.img, X.script, X.svg])
      await expect(details).toContainText(text);
    await expectInert(page, dialogs);

    // Filtering by a hostile value puts it in the URL and back on the page, still as text.
    await page.getByTestId("facet-logger").getByRole("button", { name: X.script }).first().click();
    await expect(page).toHaveURL(/filter=logger/);
    await expect(rows(page)).toHaveCount(2);
    await page.reload();
    await expect(rows(page)).toHaveCount(2);
    await page.getByLabel("search", { exact: true }).fill(X.img);
    await page.getByLabel("search", { exact: true }).press("Enter");
    await expect(page.getByTestId("summary").or(page.getByTestId("query-error")).first()).toBeVisible();
    await expectInert(page, dialogs);
    expect(await violations(page)).toEqual([]);
  });

  test("saved search names and index titles render as text", async ({ page, hostile, dialogs }) => {
    await page.goto("/");
    await expect(page.getByTestId("indexes")).toContainText(`${X.svg} title`);
    await page.goto(`/grep/${hostile.index.name}`);
    await page.getByRole("button", { name: /^Saved \(\d+\)$/ }).click();
    const saved = page
      .getByRole("dialog", { name: "saved searches" })
      .getByRole("link", { name: SAVED_NAME });
    await expect(saved).toHaveText(SAVED_NAME);
    await saved.click();
    await expect(page).toHaveURL(/q=%3Cscript%3E/);
    await expect(page.getByLabel("search", { exact: true })).toHaveValue(X.script);
    await expectInert(page, dialogs);
  });

  test("dead letters render as text on the admin page", async ({ browser, baseURL, hostile }) => {
    const { context, page, dialogs } = await adminPage(browser, baseURL!);
    try {
      await page.goto(`/admin/indexes/${hostile.index.name}`);
      const dead = page.getByTestId("dead-letters");
      await expect(dead.getByTestId("dead-letter-count")).toHaveText("2");
      await expect(dead.locator("pre", { hasText: X.img })).toHaveText(X.img);
      await expect(dead.locator(".admin-reason", { hasText: "not JSON" })).toContainText("<img src=x");
      await expect(dead.locator("pre", { hasText: X.script })).toBeVisible();
      await expectInert(page, dialogs);
    } finally {
      await context.close();
    }
  });
});

const POLICY = [
  /(^|; )default-src 'self'(;|$)/,
  /(^|; )script-src 'self' 'nonce-([A-Za-z0-9+/]{22}==)' 'strict-dynamic'(;|$)/,
  /(^|; )object-src 'none'(;|$)/,
  /(^|; )base-uri 'none'(;|$)/,
  /(^|; )frame-ancestors 'none'(;|$)/,
  /(^|; )form-action 'self'(;|$)/,
];

test.describe("content security policy", () => {
  test("every page sends a fresh nonce policy that all its scripts carry, and the API a closed one", async ({
    page,
    browser,
    baseURL,
    hostile,
    request,
  }) => {
    const { context: adminContext, page: admin } = await adminPage(browser, baseURL!);
    try {
      const pages: [Page, string][] = [
        [page, "/"],
        [page, "/login"],
        [page, `/grep/${hostile.index.name}`],
        [page, "/no/such/page"],
        [admin, "/admin"],
        [admin, `/admin/indexes/${hostile.index.name}`],
      ];
      const nonces = new Set<string>();
      for (const [p, url] of pages) {
        const res = (await p.goto(url))!;
        const headers = res.headers();
        const policy = headers["content-security-policy"] ?? "";
        for (const directive of POLICY) expect(policy, url).toMatch(directive);
        expect(headers["x-content-type-options"], url).toBe("nosniff");
        expect(headers["x-frame-options"], url).toBe("DENY");
        expect(headers["referrer-policy"], url).toBe("same-origin");
        const nonce = /'nonce-([^']+)'/.exec(policy)![1]!;
        nonces.add(nonce);
        // Every script in the HTML as sent carries this response's nonce, and only it.
        const tags = (await res.text()).match(/<script\b[^>]*>/g) ?? [];
        expect(tags.length, url).toBeGreaterThan(0);
        for (const tag of tags) expect(tag, url).toContain(`nonce="${nonce}"`);
      }
      expect(nonces.size).toBe(pages.length);
      const api = await request.get("/api/auth/me");
      expect(api.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(api.headers()["x-content-type-options"]).toBe("nosniff");
    } finally {
      await adminContext.close();
    }
  });

  test("the app trips no violation in normal use", async ({ page, context, hostile, browser, baseURL }) => {
    await watchViolations(context);
    await page.goto(`/grep/${hostile.index.name}`);
    await expect(rows(page)).toHaveCount(hostile.lines);
    await rows(page).first().locator(".time").click();
    await page.keyboard.press("Enter");
    await expect(page.locator(".details")).toBeVisible();
    await page.keyboard.press("c");
    await expect(page.getByTestId("context-bar")).toBeVisible();
    await page.keyboard.press("Escape");
    await page.goto("/");
    await expect(page.getByTestId("indexes")).toBeVisible();
    expect(await violations(page)).toEqual([]);

    const { context: adminContext, page: admin } = await adminPage(browser, baseURL!);
    try {
      await watchViolations(adminContext);
      await admin.goto(`/admin/indexes/${hostile.index.name}`);
      await expect(admin.getByTestId("dead-letter-count")).toHaveText("2");
      await admin.goto("/admin");
      await expect(admin.getByRole("heading", { name: "Logger indexes" })).toBeVisible();
      expect(await violations(admin)).toEqual([]);
    } finally {
      await adminContext.close();
    }
  });

  test("script injected into a page anyway is blocked and reported", async ({
    page,
    context,
    hostile,
    dialogs,
  }) => {
    await watchViolations(context);
    // Markup that got into the HTML as sent, as a stored XSS would: the page's own policy is all that stands.
    await page.route(`**/grep/${hostile.index.name}`, async (route) => {
      const res = await route.fetch();
      const nonce = /'nonce-([^']+)'/.exec(res.headers()["content-security-policy"] ?? "")?.[1] ?? "";
      const injected =
        `<script>window.__inline = true</script>` +
        `<img src="x" onerror="window.__handler = true">` +
        `<a id="jslink" href="javascript:window.__link = true">link</a>` +
        // A script the page trusts (it has the nonce) still may not eval.
        `<script nonce="${nonce}">try { eval("window.__eval = true") } catch (e) { window.__evalError = e.name }</script>`;
      await route.fulfill({ response: res, body: (await res.text()).replace("<body>", `<body>${injected}`) });
    });
    await page.goto(`/grep/${hostile.index.name}`);
    await expect(rows(page)).toHaveCount(hostile.lines);
    await page.locator("#jslink").click();
    const flags = () =>
      page.evaluate(() => {
        const w = window as unknown as Record<string, unknown>;
        return Object.fromEntries(
          ["__inline", "__handler", "__link", "__eval", "__evalError"].map((k) => [k, w[k] ?? null]),
        );
      });
    await expect
      .poll(async () => (await violations(page)).map((v) => `${v.directive} ${v.disposition}`).sort())
      .toEqual(
        ["script-src", "script-src-attr", "script-src-elem", "script-src-elem"].map((d) => `${d} enforce`),
      );
    expect(await flags()).toEqual({
      __inline: null,
      __handler: null,
      __link: null,
      __eval: null,
      __evalError: "EvalError",
    });
    expect(dialogs).toEqual([]);
    // The page itself still works.
    await page.getByLabel("search", { exact: true }).fill("img");
    await page.getByLabel("search", { exact: true }).press("Enter");
    await expect(page).toHaveURL(/q=img/);
  });
});

const APP_DIR = path.resolve(import.meta.dirname, "../../app");
/** Pages anyone may see. Adding to this list is a decision: say why next to the entry. */
const PUBLIC_PAGES = new Set([
  // Where everyone else is sent.
  "/login",
]);

async function pageFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await pageFiles(p)));
    else if (e.name === "page.tsx") out.push(p);
  }
  return out;
}

test("every page under app/ sends an anonymous visitor to sign in, except the public ones", async ({
  playwright,
  baseURL,
  hostile,
}) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  try {
    const files = await pageFiles(APP_DIR);
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const route =
        "/" +
        path
          .relative(APP_DIR, path.dirname(file))
          .split(path.sep)
          .filter((s) => s !== "" && !/^\(.*\)$/.test(s))
          // Dynamic segments get a value that exists, so only the missing sign-in can send the visitor away.
          .map((s) => (/^\[.*\]$/.test(s) ? hostile.index.name : s))
          .join("/");
      const res = await anonymous.get(route, { maxRedirects: 0 });
      expect(res.headers()["content-security-policy"], route).toMatch(POLICY[1]!);
      if (PUBLIC_PAGES.has(route)) {
        expect(res.status(), route).toBe(200);
      } else {
        expect(res.status(), route).toBe(307);
        expect(res.headers().location, route).toBe(`/login?next=${encodeURIComponent(route)}`);
      }
    }
  } finally {
    await anonymous.dispose();
  }
});
