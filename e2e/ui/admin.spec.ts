/**
 * The admin pages in Chromium against the real stack: an admin creates a logger index, the demo publisher sends
 * to it, and its lines show in the reader with no restart of anything; a viewer is refused.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { expect, test } from "../admin-fixtures";
import { dropTestIndex, engineCount, uniqueName, waitFor } from "../../test/helpers";

const root = path.resolve(import.meta.dirname, "../..");

function startDemoPublisher(index: string) {
  const child = spawn(process.execPath, ["--import", "tsx", "workers/demo-publisher.ts"], {
    cwd: root,
    env: {
      ...process.env,
      AMQP_URL: process.env.AMQP_URL,
      AMQP_EXCHANGE: process.env.AMQP_EXCHANGE,
      DEMO_INDEX: index,
      DEMO_RATE: "50",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr.on("data", (b: Buffer) => process.stderr.write(`[demo-publisher] ${b.toString()}`));
  return {
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      child.kill("SIGKILL");
    },
  };
}

test("an admin creates an index on /admin, publishes to it, reads its lines, and deletes it", async ({
  adminPage: page,
}) => {
  const name = uniqueName("ui");
  const queueName = `alco_test_${name}`;
  let deleted = false;
  const publisher = { stop: () => Promise.resolve() };
  try {
    await page.goto("/admin");
    await expect(page.getByRole("heading", { name: "Logger indexes" })).toBeVisible();
    const form = page.getByRole("form", { name: "create index" });
    await form.getByLabel("Name", { exact: true }).fill(name);
    await form.getByLabel("Title", { exact: true }).fill("Made in the browser");
    await form.getByLabel("Retention (days)").fill("2");
    await form.getByLabel("Queue name").fill(queueName);
    await form.getByRole("button", { name: "Create index" }).click();
    await expect(form.getByRole("status")).toContainText(`Created ${name}`);
    const row = page.getByTestId("admin-indexes").locator(`tr[data-index="${name}"]`);
    await expect(row).toContainText(`*.${name}.#`);

    publisher.stop = startDemoPublisher(name).stop;
    await waitFor("demo lines indexed", async () => (await engineCount(name)) >= 20, 30_000);
    await publisher.stop();

    // The stats follow on the next refresh of the table.
    await expect(row.locator("td.num").nth(3)).not.toHaveText(/^(0|—)$/);
    await row.getByRole("link", { name: "reader" }).click();
    await expect(page).toHaveURL(new RegExp(`/grep/${name}$`));
    await expect(page.getByTestId("log-row").first()).toBeVisible();
    expect(await page.getByTestId("log-row").count()).toBeGreaterThanOrEqual(20);

    await page.goto(`/admin/indexes/${name}`);
    await expect(page.getByTestId("index-columns").locator('tr[data-column="host"]')).toBeVisible();
    const del = page.getByRole("form", { name: "delete index" });
    await expect(del.getByRole("button", { name: "Delete index" })).toBeDisabled();
    await del.getByLabel(`Type ${name} to confirm`).fill(name);
    await del.getByRole("button", { name: "Delete index" }).click();
    await expect(page).toHaveURL(/\/admin$/);
    deleted = true;
    await expect(page.getByTestId("admin-indexes-section")).not.toContainText(name);
  } finally {
    await publisher.stop();
    if (!deleted) await dropTestIndex({ name, queueName });
  }
});

test("a viewer opening /admin is refused and sees no admin content", async ({ viewerPage: page }) => {
  for (const url of ["/admin", "/admin/indexes/demo"]) {
    const res = await page.goto(url);
    expect(res?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "Admins only" })).toBeVisible();
    await expect(page.getByText("Logger indexes")).toHaveCount(0);
    await expect(page.getByRole("form")).toHaveCount(0);
    await expect(page.locator("table")).toHaveCount(0);
  }
});

test("an anonymous visitor is sent to sign in and comes back to /admin", async ({ page }) => {
  await page.goto("/admin/indexes/demo");
  await expect(page).toHaveURL(/\/login\?next=%2Fadmin%2Findexes%2Fdemo$/);
});
