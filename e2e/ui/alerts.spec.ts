/**
 * The alerts' bell in Chromium against the real stack: a rule grouped by path fires for three paths (a real
 * evaluator counting the real engine), the viewer's bell shows 3 on the reader, one alert is cleared from the list
 * and the bell shows one fewer, "Clear all" on the index list brings it to 0.
 */
import { eq } from "drizzle-orm";
import { alertRules } from "@/db/schema";
import { AlertEvaluator } from "@/lib/alerts/alert-evaluator";
import { expect, test } from "../fixtures";
import {
  createTestIndex,
  db,
  dropTestIndex,
  engine,
  engineCount,
  publish,
  uniqueName,
  waitFor,
} from "../../test/helpers";

test("the bell counts firing alerts and clears them one by one, then all", async ({ page, dialogs }) => {
  const index = await createTestIndex({ title: "Alerting" });
  const evaluator = new AlertEvaluator({
    db: db(),
    engine: engine(),
    publicUrl: "http://127.0.0.1",
    tickMs: 200,
    webhook: { attempts: 1, backoffMs: 100, maxBackoffMs: 100, timeoutMs: 1000, log: () => undefined },
    log: () => undefined,
  });
  const [rule] = await db()
    .insert(alertRules)
    .values({
      name: uniqueName("errors"),
      indexName: index.name,
      query: "status:500",
      windowSeconds: 300,
      conditionOp: "gt",
      conditionValue: 0,
      groupBy: "path",
      everySeconds: 1,
    })
    .returning();
  try {
    const now = Date.now();
    await publish(
      ["/pay", "/pay", "/cart", "/home"].map((p, i) => ({
        routingKey: `app.${index.name}`,
        body: { message: `GET ${p} 500`, level: "error", host: "web-1", time: now - i, path: p, status: 500 },
        options: { messageId: `${index.name}-${i}` },
      })),
    );
    await waitFor("lines indexed", async () => (await engineCount(index.name)) === 4);
    evaluator.start();

    await page.goto(`/grep/${index.name}`);
    const bell = page.getByTestId("alert-bell");
    await expect(bell).toHaveText(/3/, { timeout: 20_000 });
    await bell.click();
    const items = page.getByTestId("alert-item");
    await expect(items).toHaveCount(3);
    await expect(items.filter({ hasText: "/pay" })).toContainText("2");

    await page.getByRole("button", { name: `Clear ${rule!.name}: /cart` }).click();
    await expect(bell).toHaveText(/2/);
    await expect(items).toHaveCount(2);

    // The index list has the bell as well; the cleared alert stays cleared while it still fires.
    await page.goto("/");
    await expect(bell).toHaveText(/2/);
    await bell.click();
    await page.getByRole("button", { name: "Clear all" }).click();
    await expect(bell).toHaveText(/0/);
    await expect(page.getByText("No alerts firing.")).toBeVisible();
    expect(dialogs).toEqual([]);
  } finally {
    await evaluator.stop();
    await db().delete(alertRules).where(eq(alertRules.id, rule!.id));
    await dropTestIndex(index);
  }
});
