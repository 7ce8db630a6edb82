/**
 * Lines logged with terminal colours (SGR sequences, as CLIs and dev servers write them), through the real
 * collector and engine into the reader: shown in colour in both themes, never as markup, and left out of the text
 * export, which runs oldest first like a log file.
 */
import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import type { LoggerIndex } from "@/db/schema";
import { createTestIndex, dropTestIndex, engineCount, publish, waitFor } from "../../test/helpers";
import { expect, test } from "../fixtures";

const ESC = "\u001b";
const PALETTE = Array.from({ length: 16 }, (_, i) => `${ESC}[${i < 8 ? 30 + i : 82 + i}mc${i}`).join(" ");
/** Oldest first. */
const MESSAGES = [
  "server starting",
  `${ESC}[1;31mERROR${ESC}[0m disk ${ESC}[33mfull${ESC}[0m on /var`,
  `${PALETTE}${ESC}[0m`,
  `${ESC}[35m<img src=x onerror=alert(1)>${ESC}[0m inert`,
  `${ESC}[42m PASS ${ESC}[49m all tests`,
];
const SHOWN = [
  "server starting",
  "ERROR disk full on /var",
  Array.from({ length: 16 }, (_, i) => `c${i}`).join(" "),
  "<img src=x onerror=alert(1)> inert",
  " PASS  all tests",
];

const rows = (page: Page) => page.getByTestId("log-row");
const row = (page: Page, text: string) => rows(page).filter({ hasText: text });

async function open(page: Page, name: string, query = "") {
  await page.goto(`/grep/${name}${query}`);
  await expect(rows(page).first()).toBeVisible();
}

/** WCAG contrast of each of the palette line's runs against the background it is drawn on. */
function paletteContrasts(page: Page): Promise<{ className: string; color: string; ratio: number }[]> {
  return row(page, "c15")
    .locator(".msg span[class]")
    .evaluateAll((spans) => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 4).map(Number);
      const luminance = (c: string) => {
        const [r, g, b] = rgb(c).map((v) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      };
      const background = (el: Element): string => {
        for (let e: Element | null = el; e; e = e.parentElement) {
          const bg = getComputedStyle(e).backgroundColor;
          if (rgb(bg)[3] !== 0) return bg;
        }
        return "rgb(255, 255, 255)";
      };
      return spans.map((s) => {
        const color = getComputedStyle(s).color;
        const [a, b] = [luminance(color), luminance(background(s))].sort((x, y) => y - x);
        return { className: s.getAttribute("class") ?? "", color, ratio: (a! + 0.05) / (b! + 0.05) };
      });
    });
}

test.describe("coloured lines", () => {
  let index: LoggerIndex;
  const base = Date.now() - 10 * 60_000;

  test.beforeAll(async () => {
    index = await createTestIndex({ title: "Colours" });
    await publish(
      MESSAGES.map((message, i) => ({
        routingKey: `dev.${index.name}`,
        body: { message, timestamp: new Date(base + i * 1000).toISOString(), host: "dev-1" },
        options: { messageId: `${index.name}-${i}` },
      })),
    );
    await waitFor("coloured lines stored", async () => (await engineCount(index.name)) === MESSAGES.length);
  });

  test.afterAll(async () => {
    if (index) await dropTestIndex(index);
  });

  test("shows a coloured line in colour, without the escape codes", async ({ page }) => {
    await page.emulateMedia({ colorScheme: "light" });
    await open(page, index.name);
    const line = row(page, "disk");
    await expect(line.locator(".msg")).toHaveText(SHOWN[1]!);
    const error = line.locator(".msg span", { hasText: "ERROR" });
    await expect(error).toHaveClass("ansi-fg-1 ansi-bold");
    await expect(error).toHaveCSS("color", "rgb(185, 28, 28)");
    await expect(error).toHaveCSS("font-weight", "700");
    await expect(line.locator(".msg span", { hasText: "full" })).toHaveCSS("color", "rgb(122, 93, 0)");
    await expect(line.locator(".msg span", { hasText: "on /var" })).not.toHaveAttribute("class");
    await expect(page.locator(".list")).not.toContainText("[0m");
  });

  test("keeps all 16 colours readable in the light and the dark theme", async ({ page }) => {
    const seen: Record<string, string[]> = {};
    for (const theme of ["light", "dark"]) {
      await page.goto("/");
      await page.evaluate((t) => localStorage.setItem("alco-theme", t), theme);
      await open(page, index.name);
      await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
      const runs = await paletteContrasts(page);
      expect(runs.map((r) => r.className)).toEqual(Array.from({ length: 16 }, (_, i) => `ansi-fg-${i}`));
      for (const r of runs) expect(r.ratio, `${theme} ${r.className} ${r.color}`).toBeGreaterThanOrEqual(4.5);
      seen[theme] = runs.map((r) => r.color);
    }
    // Each theme has a palette of its own: black is no longer black on the dark background.
    expect(seen.dark![0]).not.toBe(seen.light![0]);
    await page.evaluate(() => localStorage.removeItem("alco-theme"));
  });

  test("marks a search match inside a coloured run", async ({ page }) => {
    await page.emulateMedia({ colorScheme: "light" });
    await open(page, index.name, "?q=error");
    await expect(rows(page)).toHaveCount(1);
    const mark = rows(page).first().locator("mark");
    await expect(mark).toHaveText(["ERROR"]);
    await expect(mark).toHaveClass("ansi-fg-1 ansi-bold");
    // The highlight's own colours, not the run's red, so the match reads as one.
    await expect(mark).toHaveCSS("background-color", "rgb(253, 230, 138)");
    await expect(mark).toHaveCSS("color", "rgb(27, 31, 36)");
  });

  test("renders markup inside a coloured run as inert text", async ({ page, dialogs }) => {
    await open(page, index.name);
    await expect(row(page, "inert").locator(".msg")).toHaveText(SHOWN[3]!);
    expect(await page.locator(".list img, .list script").count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  test("exports text oldest first without colour codes, and NDJSON with the message as stored", async ({
    page,
  }) => {
    await open(page, index.name);
    const text = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export text" }).click();
    const lines = (await readFile(await (await text).path(), "utf8")).trimEnd().split("\n");
    expect(lines.map((l) => l.replace(/^\S+ dev-1 \S+ - /, ""))).toEqual(SHOWN);
    const times = lines.map((l) => Date.parse(l.split(" ")[0]!));
    expect(times).toEqual(MESSAGES.map((_, i) => base + i * 1000));

    const ndjson = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export NDJSON" }).click();
    const records = (await readFile(await (await ndjson).path(), "utf8"))
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { message: string });
    expect(records.map((r) => r.message)).toEqual([...MESSAGES].reverse());
  });
});
