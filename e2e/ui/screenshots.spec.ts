/**
 * The pictures in docs/screenshots and the README, taken from the real stack on every run so they never show a
 * reader that no longer exists: the demo's traffic (lib/demo/generate-records.ts: three formats, eight hosts,
 * every level) over the last three hours, in light and in dark with a record open, and a Python exception with
 * its traceback field expanded.
 */
import type { Page } from "@playwright/test";
import type { LoggerIndex } from "@/db/schema";
import { createRecordGenerator } from "@/lib/demo/generate-records";
import {
  createTestIndex,
  dropTestIndex,
  engineCount,
  publish,
  waitFor,
  type Outgoing,
} from "../../test/helpers";
import { expect, test } from "../fixtures";

const COUNT = 3000;
const SPAN_MS = 3 * 3600_000;

const TRACEBACK = [
  "Traceback (most recent call last):",
  '  File "/srv/shop/payments/charge.py", line 88, in capture',
  "    response = gateway.capture(order.payment_id, amount=order.total)",
  '  File "/srv/shop/payments/gateway.py", line 212, in capture',
  '    raise GatewayTimeout(f"no answer from {self.host} in {self.timeout}s")',
  "payments.gateway.GatewayTimeout: no answer from psp.example.net in 10s",
].join("\n");

let index: LoggerIndex;
const rows = (page: Page) => page.getByTestId("log-row");

test.beforeAll(async () => {
  index = await createTestIndex({ title: "Shop" });
  const start = Date.now() - SPAN_MS - 60_000;
  const generator = createRecordGenerator({
    seed: 42,
    startMs: start,
    ratePerSec: COUNT / (SPAN_MS / 1000),
    index: index.name,
    prefix: "app",
  });
  const out: Outgoing[] = [];
  for (let i = 0; i < COUNT; i++) {
    const r = generator.next().value;
    out.push({ routingKey: r.routingKey, body: r.body, options: { messageId: r.messageId } });
  }
  // The newest error: what a reader opens first when a payment fails.
  out.push({
    routingKey: `app.${index.name}.shop.payments`,
    body: {
      "@timestamp": new Date(Date.now() - 30_000).toISOString(),
      message: "charge failed for order 48213: gateway timeout",
      levelname: "ERROR",
      logger_name: "shop.payments",
      host: "api-01.prod.local",
      order_id: 48213,
      exc_info: TRACEBACK,
    },
  });
  await publish(out);
  await waitFor(
    "screenshot data indexed",
    async () => (await engineCount(index.name)) === out.length,
    60_000,
  );
});

test.afterAll(async () => {
  await dropTestIndex(index);
});

async function openFirst(page: Page, query = "") {
  await page.goto(`/grep/${index.name}?from=now-3h${query}`);
  await expect(rows(page).first()).toBeVisible();
  await expect(page.getByTestId("histogram")).toBeVisible();
}

test("saves screenshots of the reader in light and dark, and of a traceback", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/");
  await page.evaluate(() => localStorage.setItem("alco-theme", "light"));
  await openFirst(page);
  await rows(page).nth(2).click();
  await page.keyboard.press("Enter");
  await expect(rows(page).nth(2).locator(".details")).toBeVisible();
  await page.screenshot({ path: "docs/screenshots/reader-light.png" });

  await page.evaluate(() => localStorage.setItem("alco-theme", "dark"));
  await openFirst(page);
  await rows(page).nth(2).click();
  await page.keyboard.press("Enter");
  await expect(rows(page).nth(2).locator(".details")).toBeVisible();
  await page.screenshot({ path: "docs/screenshots/reader-dark.png" });

  await page.evaluate(() => localStorage.setItem("alco-theme", "light"));
  await openFirst(page, "&q=level:error");
  const failed = rows(page).filter({ hasText: "charge failed for order 48213" });
  await failed.click();
  await page.keyboard.press("Enter");
  const exc = failed.locator('[data-testid="detail-field"][data-field="exc_info"]');
  await expect(exc).toBeVisible();
  await page.screenshot({ path: "docs/screenshots/reader-traceback.png" });
  await page.evaluate(() => localStorage.removeItem("alco-theme"));
});
