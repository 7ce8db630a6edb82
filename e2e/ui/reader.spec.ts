/**
 * The reader in Chromium against the real stack: what a user sees when they search, filter, zoom, scroll, use
 * the keyboard, open context, reload a permalink and export.
 */
import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { SEED, expect, test } from "../fixtures";

const rows = (page: Page) => page.getByTestId("log-row");
const search = (page: Page) => page.getByLabel("search", { exact: true });

async function open(page: Page, name: string, query = "") {
  await page.goto(`/grep/${name}${query}`);
  await expect(rows(page).first()).toBeVisible();
}

async function loadedIds(page: Page): Promise<string[]> {
  return rows(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-id") ?? ""));
}

test.describe("reader", () => {
  test("opens on the newest lines and highlights search matches", async ({ page, seeded }) => {
    await open(page, seeded.index.name);
    await expect(rows(page).first()).toContainText(`request ${SEED.count - 1} handled`);
    await search(page).fill("payment failed");
    await search(page).press("Enter");
    await expect(page).toHaveURL(/q=payment\+failed/);
    await expect(page.getByTestId("summary")).toContainText("14 matching lines");
    const first = rows(page).first();
    await expect(first).toContainText("payment failed for order 650");
    await expect(first.locator("mark")).toHaveText(["payment failed"]);
  });

  test("filters by a facet value, several with ctrl-click, and by a value inside a line", async ({
    page,
    seeded,
  }) => {
    await open(page, seeded.index.name);
    const hosts = page.getByTestId("facet-host");
    await hosts.getByRole("button", { name: /^web-1/ }).click();
    await expect(page).toHaveURL(/filter=host%3Aweb-1/);
    await expect(page.getByTestId("summary")).toContainText("220 matching lines");
    await expect(rows(page).locator(".cols")).not.toContainText(["web-2"]);
    await hosts.getByRole("button", { name: /^web-2/ }).click({ modifiers: ["Control"] });
    await expect(page.getByTestId("summary")).toContainText("440 matching lines");
    await expect(hosts.getByRole("button", { pressed: true })).toHaveCount(2);
    await hosts.getByRole("button", { name: /^web-1/ }).click({ modifiers: ["Control"] });
    await expect(page.getByTestId("summary")).toContainText("220 matching lines");
    await rows(page).first().getByRole("button", { name: "shop.api" }).first().click();
    await expect(page).toHaveURL(/filter=logger%3Ashop.api/);
    await expect(page.getByTestId("summary")).toContainText("110 matching lines");
  });

  test("zooms into a time range by dragging across the histogram", async ({ page, seeded }) => {
    // A range just wider than the seed, so its lines spread across the whole plot.
    await open(page, seeded.index.name, "?from=now-70m");
    await expect(page.getByTestId("summary")).toContainText(`${SEED.count} matching lines`);
    const plot = page.locator(".u-over");
    const box = (await plot.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect(page).toHaveURL(/from=\d{4}-.*&to=\d{4}-/);
    const matching = async () =>
      Number(
        /([\d,]+) matching/
          .exec((await page.getByTestId("summary").textContent()) ?? "")?.[1]
          ?.replace(/,/g, ""),
      );
    await expect.poll(matching).toBeLessThan(SEED.count);
    expect(await matching()).toBeGreaterThan(SEED.count / 10);
    // The rows shown are inside the zoomed range.
    const to = Date.parse(new URL(page.url()).searchParams.get("to")!);
    const newest = await page.getByTestId("log-row").first().locator(".time").getAttribute("datetime");
    expect(Date.parse(newest!)).toBeLessThanOrEqual(to);
  });

  test("scrolls without limit in both directions, loading pages as it goes", async ({ page, seeded }) => {
    await open(page, seeded.index.name);
    const list = page.getByTestId("log-list");
    const seen = new Set<string>();
    // Steps smaller than the rows kept around the view, so no row can pass unseen.
    for (let i = 0; i < 400 && !(await page.getByText("oldest line in this range").isVisible()); i++) {
      for (const id of await loadedIds(page)) seen.add(id);
      await list.evaluate((el) => el.scrollBy(0, 500));
      await page.waitForTimeout(30);
    }
    for (const id of await loadedIds(page)) seen.add(id);
    expect(seen.size).toBe(SEED.count);

    // Start in the middle (jump to a time), then read upwards: newer pages are prepended.
    const middle = seeded.base + 200 * SEED.stepMs;
    await open(page, seeded.index.name, `?start=${middle + 1}_0`);
    await expect(page.getByText("payment failed for order 200", { exact: true })).toBeInViewport();
    const up = new Set<string>();
    for (
      let i = 0;
      i < 400 &&
      !(await rows(page)
        .filter({ hasText: `request ${SEED.count - 1} handled` })
        .count());
      i++
    ) {
      for (const id of await loadedIds(page)) up.add(id);
      await list.evaluate((el) => el.scrollBy(0, -500));
      await page.waitForTimeout(30);
    }
    for (const id of await loadedIds(page)) up.add(id);
    expect(up.size).toBeGreaterThanOrEqual(SEED.count - 201);
  });

  test("is driven from the keyboard", async ({ page, seeded }) => {
    await open(page, seeded.index.name);
    await page.keyboard.press("j");
    await page.keyboard.press("j");
    await page.keyboard.press("j");
    await page.keyboard.press("k");
    const focused = page.locator('[data-testid=log-row][data-focused="true"]');
    await expect(focused).toContainText(`${SEED.count - 2}`);
    await expect(page).toHaveURL(/focus=\d+_\d+_\d+/);
    await page.keyboard.press("Enter");
    await expect(focused.locator(".details")).toContainText("requestId");
    await page.keyboard.press("Escape");
    await expect(page.locator(".details")).toHaveCount(0);
    await page.keyboard.press("G");
    await expect(rows(page).filter({ hasText: "payment failed for order 0" })).toBeVisible();
    await page.keyboard.press("g");
    await expect(rows(page).first()).toContainText(`request ${SEED.count - 1} handled`);
    await page.keyboard.press("/");
    await expect(search(page)).toBeFocused();
  });

  test("shows the context of a line: unfiltered neighbours from the same source, matches to jump between", async ({
    page,
    seeded,
  }) => {
    await open(page, seeded.index.name, "?q=payment");
    await rows(page).filter({ hasText: "order 300" }).click();
    await page.keyboard.press("c");
    await expect(page.getByTestId("context-bar")).toBeVisible();
    const anchor = page.locator('[data-testid=log-row][data-anchor="true"]');
    await expect(anchor).toContainText("payment failed for order 300");
    // Same host and logger as order 300 (web-1, shop.api): every sixth line.
    await expect(rows(page).filter({ hasText: "request 306 handled" })).toBeVisible();
    await expect(rows(page).filter({ hasText: "request 299 handled" })).toHaveCount(0);
    await page.keyboard.press("n");
    // The matches from that source are every 150th line.
    await expect(page.locator('[data-testid=log-row][data-focused="true"]')).toContainText(
      "payment failed for order 450",
    );
    await page.keyboard.press("N");
    await page.keyboard.press("N");
    await expect(page.locator('[data-testid=log-row][data-focused="true"]')).toContainText(
      "payment failed for order 150",
    );
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("context-bar")).toHaveCount(0);
  });

  test("restores the whole view from its URL on reload", async ({ page, seeded }) => {
    await open(page, seeded.index.name);
    await search(page).fill("slow");
    await search(page).press("Enter");
    await page
      .getByTestId("facet-host")
      .getByRole("button", { name: /^web-3/ })
      .click();
    // The count of the filtered question, not the one before it, whose rows are about to be replaced.
    const slowOnWeb3 = Array.from({ length: SEED.count }, (_, i) => i).filter(
      (i) => i % 7 === 0 && i % 50 !== 0 && i % 3 === 2 && i !== 203, // 203: the huge line
    ).length;
    await expect(page.getByTestId("summary")).toContainText(`${slowOnWeb3} matching lines`);
    await rows(page).nth(2).click();
    const focused = page.locator('[data-testid=log-row][data-focused="true"]');
    await expect(focused).toHaveCount(1);
    const focusedText = await focused.textContent();
    await expect(page).toHaveURL(/focus=\d+_\d+_\d+/);
    const url = page.url();
    await page.reload();
    await expect(page).toHaveURL(url);
    await expect(search(page)).toHaveValue("slow");
    await expect(page.getByTestId("facet-host").getByRole("button", { pressed: true })).toContainText(
      "web-3",
    );
    await expect(page.locator('[data-testid=log-row][data-focused="true"]')).toHaveText(focusedText!);
  });

  test("exports the whole result, not just the loaded rows", async ({ page, seeded }) => {
    await open(page, seeded.index.name, "?q=request");
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export NDJSON" }).click();
    const file = await (await download).path();
    const lines = (await readFile(file, "utf8")).trim().split("\n");
    const total = Number(
      /([\d,]+) matching/
        .exec((await page.getByTestId("summary").textContent()) ?? "")?.[1]
        ?.replace(/,/g, ""),
    );
    expect(lines).toHaveLength(total);
    expect(total).toBeGreaterThan(400);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      message: `request ${SEED.count - 1} handled in ${(SEED.count - 1) % 97}ms`,
    });
  });

  test("renders markup in log lines and fields as inert text", async ({ page, seeded, dialogs }) => {
    await open(page, seeded.index.name, "?q=alert");
    const row = rows(page).first();
    await expect(row.locator(".msg")).toHaveText(SEED.xss);
    await row.dblclick();
    await expect(row.locator(".details")).toContainText(SEED.xssField);
    expect(await page.locator(".list script, .list img").count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  test("truncates a 1 MB line with a way to show all of it", async ({ page, seeded }) => {
    await open(page, seeded.index.name, "?q=huge");
    const row = rows(page).first();
    const more = row.getByRole("button", { name: /show all/ });
    await expect(more).toBeVisible();
    expect((await row.locator(".msg").textContent())!.length).toBeLessThan(3000);
    await more.click();
    await expect
      .poll(async () => (await row.locator(".msg").textContent())!.length)
      .toBeGreaterThan(1_000_000);
  });

  test("shows a bad query's error under the search box, and says when nothing matches", async ({
    page,
    seeded,
  }) => {
    await open(page, seeded.index.name);
    await search(page).fill('"unterminated');
    await search(page).press("Enter");
    await expect(page.getByTestId("query-error")).toContainText("unterminated quote");
    await search(page).fill("(timeout OR refused");
    await search(page).press("Enter");
    await expect(page.getByTestId("query-error")).toContainText(
      'unbalanced parenthesis: the "(" at character 1 is not closed',
    );
    await search(page).fill("nosuchwordanywhere");
    await search(page).press("Enter");
    await expect(page.getByTestId("empty")).toContainText("No lines match");
    await expect(page.getByRole("button", { name: /Widen/ })).toBeVisible();
  });

  test("saves the current view under a name, renames and deletes it in place, and brings it back", async ({
    page,
    seeded,
    dialogs,
  }) => {
    await open(page, seeded.index.name, "?q=slow&filter=host:web-2");
    const opener = page.getByRole("button", { name: /^Saved \(\d+\)$/ });
    const before = Number((await opener.textContent())!.match(/\d+/)![0]);
    await opener.click();
    const dialog = page.getByRole("dialog", { name: "saved searches" });
    const name = `slow on web-2 ${Date.now()}`;
    await dialog.getByLabel("name for this search").fill(name);
    await dialog.getByRole("button", { name: "Save", exact: true }).click();
    const item = (n: string) =>
      dialog.getByRole("listitem").filter({ has: page.getByRole("link", { name: n }) });
    await expect(item(name)).toHaveCount(1);
    await expect(opener).toHaveText(`Saved (${before + 1})`);
    await expect(dialog.getByLabel("name for this search")).toHaveValue("");

    // Escape leaves the name as it was and the dialog open; Enter saves the new one.
    await item(name).getByRole("button", { name: "Rename", exact: true }).click();
    const input = dialog.getByLabel(`new name for ${name}`);
    await expect(input).toBeFocused();
    await input.fill("never saved");
    await input.press("Escape");
    await expect(dialog).toBeVisible();
    await expect(item(name)).toHaveCount(1);
    await expect(item(name).getByRole("button", { name: "Rename", exact: true })).toBeFocused();
    await expect(dialog.getByRole("link", { name: "never saved" })).toHaveCount(0);
    const renamed = `${name} renamed`;
    await item(name).getByRole("button", { name: "Rename", exact: true }).click();
    await dialog.getByLabel(`new name for ${name}`).fill(renamed);
    await dialog.getByLabel(`new name for ${name}`).press("Enter");
    await expect(item(renamed)).toHaveCount(1);
    await expect(dialog.getByRole("link", { name, exact: true })).toHaveCount(0);

    // From the plain reader, the saved link brings the view back, and the new name outlived the reload.
    await open(page, seeded.index.name);
    await opener.click();
    await dialog.getByRole("link", { name: renamed }).click();
    await expect(page).toHaveURL(/q=slow&filter=host(:|%3A)web-2/);
    await expect(search(page)).toHaveValue("slow");
    await expect(dialog).toBeHidden();

    // Delete asks in place: keep leaves it, yes deletes it, also after a reload.
    await opener.click();
    await item(renamed).getByRole("button", { name: "Delete", exact: true }).click();
    await item(renamed)
      .getByRole("button", { name: `keep ${renamed}` })
      .click();
    await expect(item(renamed).getByRole("button", { name: "Delete", exact: true })).toBeVisible();
    await item(renamed).getByRole("button", { name: "Delete", exact: true }).click();
    await dialog.getByRole("button", { name: `yes, delete ${renamed}` }).click();
    await expect(dialog.getByRole("link", { name: renamed })).toHaveCount(0);
    await expect(opener).toHaveText(`Saved (${before})`);
    await page.reload();
    await opener.click();
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole("link", { name: renamed })).toHaveCount(0);
    expect(dialogs).toEqual([]);
  });

  test("jumps to a point in time and reads down from there", async ({ page, seeded }) => {
    await open(page, seeded.index.name);
    // The browser runs in the machine's zone, the reader's default; the field reads wall-clock time in it (here
    // to the second, as a datetime field wrote it), so aim a second after line 400 (the next is five seconds on).
    const at = new Date(seeded.base + 400 * SEED.stepMs + 1000);
    const local = new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
    await page.getByLabel("jump to time").fill(local);
    await page.getByLabel("jump to time").press("Enter");
    await expect(page).toHaveURL(/start=\d+_0/);
    await expect(page.getByText("payment failed for order 400", { exact: true })).toBeInViewport();
  });
});
