/**
 * Accessibility, in the light and the dark theme: axe-core finds no serious or critical violation on the reader
 * (its list, a line expanded, search matches, the context view, the patterns view), the admin page and the
 * sign-in page; anything less severe is printed with its rule id. The virtualised list tells a screen reader what
 * it is, how many rows it has, where each line sits among them, what each says and which one is focused.
 */
import AxeBuilder from "@axe-core/playwright";
import { test as base, type Page } from "@playwright/test";
import { test as admin } from "../admin-fixtures";
import { SEED, expect, test } from "../fixtures";
import { uniqueName } from "../../test/helpers";

const THEMES = ["light", "dark"] as const;
type Theme = (typeof THEMES)[number];

const rows = (page: Page) => page.getByTestId("log-row");

/** The browser's colour scheme: with no choice stored by the theme toggle, the page takes the system's. */
async function inTheme(page: Page, theme: Theme, path: string) {
  await page.emulateMedia({ colorScheme: theme });
  await page.goto(path);
  await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
}

async function expectAccessible(page: Page, where: string) {
  // The pages have no frames: one run in the page itself, instead of merging per-frame results in a second page.
  const { violations } = await new AxeBuilder({ page }).setLegacyMode(true).analyze();
  const severe = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const other = violations.filter((v) => !severe.includes(v));
  if (other.length > 0)
    console.log(`${where}: less severe: ${other.map((v) => `${v.id} (${v.impact})`).join(", ")}`);
  expect(
    severe.map(
      (v) => `${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`,
    ),
    where,
  ).toEqual([]);
}

/** The counts and bars of the question asked, not the previous one's dimmed while it is answered. */
async function settled(page: Page) {
  await expect(page.getByTestId("histogram")).toHaveAttribute("data-state", "ready");
  await expect(page.getByTestId("summary")).toContainText("matching lines");
  await expect(page.locator(".facet-list")).toHaveAttribute("data-stale", "false");
}

// Each test type (signed in as a viewer, as an admin, signed out) titles its own tests: a describe of one type
// cannot hold another's.
for (const theme of THEMES) {
  test(`${theme} theme: the reader's list, a grid of named rows with their places and the focused one`, async ({
    page,
    seeded,
  }) => {
    await inTheme(page, theme, `/grep/${seeded.index.name}`);
    await expect(rows(page).first()).toBeVisible();
    await settled(page);

    const grid = page.getByRole("grid", { name: "lines of Shop" });
    await expect(grid).toBeVisible();
    await expect(grid.getByRole("columnheader")).toContainText(["time", "level", "message"]);
    // Rows: the header, the edge above the lines, the loaded lines and the edge below them.
    const loaded = Number(await page.getByTestId("log-list").getAttribute("data-count"));
    expect(loaded).toBeGreaterThan(0);
    await expect(grid).toHaveAttribute("aria-rowcount", String(loaded + 3));
    await expect(page.getByTestId("log-header")).toHaveAttribute("aria-rowindex", "1");
    await expect(rows(page).nth(0)).toHaveAttribute("aria-rowindex", "3");
    await expect(rows(page).nth(1)).toHaveAttribute("aria-rowindex", "4");
    const newest = SEED.count - 1;
    await expect(rows(page).first()).toHaveAccessibleName(
      // The time as the row shows it: with its date, the default range (24 h) spanning two days.
      new RegExp(
        `^\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} info request ${newest} handled in ${newest % 97}ms$`,
      ),
    );
    await expect(grid.locator("[aria-selected=true]")).toHaveCount(0);
    await page.keyboard.press("j");
    await expect(rows(page).first()).toHaveAttribute("aria-selected", "true");
    await expect(rows(page).nth(1)).toHaveAttribute("aria-selected", "false");
    await expect(grid.locator("[aria-selected=true]")).toHaveCount(1);
    await expectAccessible(page, `reader, ${theme}`);

    // The theme toggle is named as it reads: by the theme it switches to.
    const other = theme === "dark" ? "light" : "dark";
    await page.getByRole("button", { name: `${other} theme`, exact: true }).click();
    await expect(page.locator("html")).toHaveAttribute("data-theme", other);
    await expect(page.getByRole("button", { name: `${theme} theme`, exact: true })).toBeVisible();
  });

  test(`${theme} theme: the reader with a line expanded`, async ({ page, seeded }) => {
    await inTheme(page, theme, `/grep/${seeded.index.name}`);
    await expect(rows(page).first()).toBeVisible();
    await settled(page);
    await page.keyboard.press("j");
    await page.keyboard.press("Enter");
    await expect(rows(page).first().locator(".details")).toContainText("requestId");
    await expectAccessible(page, `reader with a line expanded, ${theme}`);
  });

  test(`${theme} theme: the reader's search matches on the focused line`, async ({ page, seeded }) => {
    await inTheme(page, theme, `/grep/${seeded.index.name}?q=${encodeURIComponent("payment failed")}`);
    await expect(page.getByTestId("summary")).toContainText("14 matching lines");
    await settled(page);
    const match = rows(page).first();
    await expect(match.locator("mark")).toHaveText(["payment failed"]);
    await expect(match).toHaveAccessibleName(
      /^\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} error payment failed for order 650$/,
    );
    await page.keyboard.press("j");
    await expect(match).toHaveAttribute("aria-selected", "true");
    await expectAccessible(page, `reader with search matches, ${theme}`);
  });

  test(`${theme} theme: the reader's context view`, async ({ page, seeded }) => {
    await inTheme(page, theme, `/grep/${seeded.index.name}?q=${encodeURIComponent("payment failed")}`);
    await expect(rows(page).first()).toContainText("payment failed for order 650");
    await page.keyboard.press("j");
    await page.keyboard.press("c");
    await expect(page.getByTestId("context-bar")).toBeVisible();
    const context = page.getByRole("grid", { name: /^lines around / });
    const anchor = context.locator('[data-testid=log-row][data-anchor="true"]');
    await expect(anchor).toContainText("payment failed for order 650");
    await expect(anchor).toHaveAttribute("aria-selected", "true");
    await expect(page.getByTestId("context-bar")).toContainText(/[1-9]\d* matching lines marked/);
    await expect(context.locator('[data-testid=log-row][data-match="true"]').first()).toBeVisible();
    await settled(page);
    await expectAccessible(page, `context view, ${theme}`);
  });

  test(`${theme} theme: the reader's patterns view`, async ({ page, seeded }) => {
    await inTheme(page, theme, `/grep/${seeded.index.name}?view=patterns`);
    await expect(page.getByTestId("pattern").first()).toBeVisible();
    await expect(page.locator(".patterns")).toHaveAttribute("data-stale", "false");
    await settled(page);
    await expectAccessible(page, `patterns view, ${theme}`);
  });

  admin(`${theme} theme: the admin page, a new token shown once`, async ({ adminPage: page }) => {
    await inTheme(page, theme, "/admin");
    await expect(page.getByTestId("admin-users")).toBeVisible();
    const name = uniqueName("a11y");
    const form = page.getByRole("form", { name: "create token" });
    await form.getByLabel("Token name").fill(name);
    await form.getByRole("button", { name: "Create token" }).click();
    await expect(page.getByTestId("new-token")).toContainText(name);
    await expect(page.getByTestId("admin-tokens").locator(`tr[data-token="${name}"]`)).toBeVisible();
    await expectAccessible(page, `admin, ${theme}`);

    const row = page.getByTestId("admin-tokens").locator(`tr[data-token="${name}"]`);
    await row.getByRole("button", { name: "Revoke" }).click();
    await row.getByRole("button", { name: `Revoke ${name}` }).click();
    await expect(row).toContainText("revoked");
  });

  base(`${theme} theme: the sign-in page, and its message after a failed sign-in`, async ({ page }) => {
    await inTheme(page, theme, "/login");
    await expect(page.getByLabel("Username")).toBeFocused();
    await expectAccessible(page, `sign-in, ${theme}`);

    // What the form's own POST comes back to when the password was wrong.
    await inTheme(page, theme, "/login?error=unauthorized");
    await expect(page.getByRole("alert").filter({ hasText: "wrong username or password" })).toBeVisible();
    await expectAccessible(page, `sign-in with an error, ${theme}`);
  });
}
