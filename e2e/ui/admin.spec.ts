/**
 * The admin pages in Chromium against the real stack: an admin creates a logger index, the demo publisher sends
 * to it, and its lines show in the reader with no restart of anything; a viewer is refused.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { expect, test } from "../admin-fixtures";
import { createTestIndex, dropTestIndex, engineCount, uniqueName, waitFor } from "../../test/helpers";

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

test("a new token's secret is shown where it was made, in view, with Copy focused", async ({
  adminPage: page,
}) => {
  await page.goto("/admin");
  const form = page.getByRole("form", { name: "create token" });
  await form.getByLabel("Token name").fill(uniqueName("secret"));
  await form.getByLabel("Scope").selectOption("ingest");
  await form.getByRole("button", { name: "Create token" }).click();
  const secret = form.getByTestId("new-token");
  await expect(secret).toContainText("it is shown only this once");
  await expect(secret).toBeInViewport();
  await expect(secret.getByRole("button", { name: "Copy" })).toBeFocused();
  expect((await secret.locator("code").textContent())!.length).toBeGreaterThan(20);
});

test("a bad index name is explained in words under the field, in the words the API refuses it with", async ({
  adminPage: page,
  baseURL,
}) => {
  await page.goto("/admin");
  const form = page.getByRole("form", { name: "create index" });
  const name = form.getByLabel("Name", { exact: true });
  await name.fill("Shop-1");
  const problem = form.getByRole("alert");
  await expect(problem).toHaveText(
    'an index name is lowercase letters, digits and _ (starting with a letter, at most 48): "S", "-" are not allowed',
  );
  await expect(name).toHaveAttribute("aria-invalid", "true");
  await expect(name).toHaveAttribute("aria-describedby", (await problem.getAttribute("id"))!);

  // Submitting keeps it there and sends nothing; the browser has no rule of its own to complain about.
  const posted: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST") posted.push(r.url());
  });
  await form.getByRole("button", { name: "Create index" }).click();
  await expect(name).toBeFocused();
  await expect(problem).toBeVisible();
  expect(await name.evaluate((el: HTMLInputElement) => el.validity.valid)).toBe(true);
  expect(posted).toEqual([]);
  await expect(form.getByRole("status")).toHaveCount(0);

  const refused = await page.request.post("/api/admin/indexes", {
    data: { name: "Shop-1" },
    headers: { origin: new URL(baseURL!).origin },
  });
  expect(refused.status()).toBe(400);
  const { error } = (await refused.json()) as { error: { message: string } };
  expect(error.message).toBe(`name: ${await problem.textContent()}`);

  await name.fill("1shop");
  await expect(problem).toContainText('it starts with "1"');
  await name.fill("shop_1");
  await expect(form.getByRole("alert")).toHaveCount(0);
  await expect(name).toHaveAttribute("aria-invalid", "false");
});

test("an index's column flags say what they mean beside them", async ({ adminPage: page }) => {
  const index = await createTestIndex();
  try {
    await page.goto(`/admin/indexes/${index.name}`);
    const legend = page.getByTestId("index-columns").getByRole("definition");
    await expect(legend).toHaveText([
      "a facet in the reader; its values are tracked",
      "a column in the reader's lines",
      "not stored at all",
      "offered as a context filter",
      "full-text searchable on its own (field=value)",
    ]);
    // On the page, not in a tooltip.
    for (const meaning of await legend.all()) await expect(meaning).toBeVisible();
  } finally {
    await dropTestIndex(index);
  }
});

test("the header says who is signed in, with an Admin link for admins only", async ({
  adminSession: admin,
  viewerSession: viewer,
}) => {
  await admin.page.goto("/");
  const bar = admin.page.getByTestId("user-bar");
  await expect(bar).toContainText(`signed in as ${admin.username}`);
  await bar.getByRole("link", { name: "Admin", exact: true }).click();
  await expect(admin.page).toHaveURL(/\/admin$/);
  await expect(admin.page.getByRole("heading", { name: "Logger indexes" })).toBeVisible();

  await viewer.page.goto("/");
  const viewerBar = viewer.page.getByTestId("user-bar");
  await expect(viewerBar).toContainText(`signed in as ${viewer.username}`);
  await expect(viewerBar.getByRole("link")).toHaveCount(0);
});

test("a page that does not exist says so, with a way back to the loggers", async ({ adminPage: page }) => {
  for (const url of ["/no/such/page", "/grep/no_such_index"]) {
    const res = await page.goto(url);
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Nothing here" })).toBeVisible();
  }
  await page.getByRole("link", { name: "Back to the list of loggers" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("user-bar")).toBeVisible();
});
