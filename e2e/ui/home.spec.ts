import { SEED, expect, test } from "../fixtures";

test("the home page lists logger indexes with their recent volume and links to each reader", async ({
  page,
  seeded,
}) => {
  await page.goto("/");
  const row = page.getByTestId("indexes").getByRole("row").filter({ hasText: seeded.index.name });
  await expect(row).toBeVisible();
  // The seed is one line every 5 s ending about a minute before the run: count those in the last five minutes.
  const cutoff = Date.now() - 5 * 60_000;
  const expected = Array.from({ length: SEED.count }, (_, i) => seeded.base + i * SEED.stepMs).filter(
    (t) => t >= cutoff,
  ).length;
  const count = Number((await row.locator("td.num").textContent())?.replace(/,/g, ""));
  expect(Math.abs(count - expected)).toBeLessThanOrEqual(2);
  await row.getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/grep/${seeded.index.name}$`));
  await expect(page.getByTestId("log-row").first()).toBeVisible();
});
