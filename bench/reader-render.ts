/**
 * The reader in Chromium on the real stack: how long until the first rows show, and how smooth scrolling stays
 * with 100k lines loaded (compared with 1k in the same run).
 *
 *   npm run bench:reader -- [--records 100000] [--no-write]
 *
 * Seeds an index through the real path (AMQP -> collector -> engine), serves the production build, opens
 * /grep/<index> in Debian's Chromium, scrolls down until every line is loaded, then scrolls continuously for
 * three seconds and records the time between animation frames.
 */
import { startBrowserStack } from "./browser-stack";
import { machine, prependSection, runBench, stamp } from "./results";
import { parseArgs } from "node:util";
import type { Page } from "@playwright/test";
import { createRecordGenerator } from "@/lib/demo/generate-records";

const { values: args } = parseArgs({
  options: {
    records: { type: "string", default: "100000" },
    "no-write": { type: "boolean", default: false },
  },
});
const N = Number(args.records);
const log = (l: string) => console.log(`[bench:reader] ${l}`);

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
}

// Sent as source text: tsx's keepNames wraps inner functions in a helper that does not exist in the page.
const SCROLL_FRAMES = `(duration) => new Promise((resolve) => {
  const el = document.querySelector('[data-testid="log-list"]');
  const frames = [];
  let last = performance.now();
  const start = last;
  el.scrollTop = 0;
  const step = (now) => {
    frames.push(now - last);
    last = now;
    el.scrollTop += 120;
    if (el.scrollTop + el.clientHeight >= el.scrollHeight) el.scrollTop = 0;
    if (now - start < duration) requestAnimationFrame(step);
    else resolve(frames.slice(1));
  };
  requestAnimationFrame(step);
})`;

async function scrollFrames(page: Page, ms: number): Promise<number[]> {
  return page.evaluate(`(${SCROLL_FRAMES})(${ms})`);
}

async function main() {
  const { index, base, context, helpers, stop } = await startBrowserStack("readerbench");
  const { engineCount, publish, waitFor } = helpers;
  try {
    const gen = createRecordGenerator({
      seed: 3,
      startMs: Date.now() - 3_600_000,
      ratePerSec: N / 3500,
      index: index.name,
    });
    const outgoing = Array.from({ length: N }, () => gen.next().value).map((r) => ({
      routingKey: r.routingKey,
      body: r.body,
      options: { messageId: r.messageId },
    }));
    await publish(outgoing);
    await waitFor("corpus indexed", async () => (await engineCount(index.name)) >= N, 300_000);
    log(`${N} records indexed`);

    const page = await context.newPage();
    const firstRows: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t0 = Date.now();
      await page.goto(`${base}/grep/${index.name}${i % 2 ? "?q=error" : ""}`);
      await page.getByTestId("log-row").first().waitFor();
      firstRows.push(Date.now() - t0);
    }
    const firstRowP50 = quantile(firstRows.slice(2), 0.5);
    log(`time to first rows (navigation to first row painted): ${firstRows.join(", ")} ms`);

    await page.goto(`${base}/grep/${index.name}?from=now-2h`);
    await page.getByTestId("log-row").first().waitFor();
    const small = await scrollFrames(page, 3000);
    const list = page.getByTestId("log-list");
    const loadStarted = Date.now();
    for (;;) {
      const count = Number(await list.getAttribute("data-count"));
      if (count >= N || (await page.getByText("oldest line in this range").count()) > 0) break;
      await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
      await page.waitForTimeout(20);
    }
    const loaded = Number(await list.getAttribute("data-count"));
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    log(`loaded ${loaded} rows by scrolling in ${loadSeconds.toFixed(1)} s`);
    const big = await scrollFrames(page, 3000);
    const heap = await page.evaluate(
      () => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0,
    );
    const fmt = (xs: number[]) =>
      `p50 ${quantile(xs, 0.5).toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (${xs.length} frames)`;
    log(`scroll frames from the first page (pages load as it scrolls): ${fmt(small)}`);
    log(`scroll frames with ${loaded} rows: ${fmt(big)}; JS heap ${Math.round(heap / 2 ** 20)} MiB`);

    if (!args["no-write"]) {
      await prependSection([
        `## Reader in Chromium — ${stamp()}`,
        "",
        `Command: \`npx next build && npm run bench:reader -- --records ${N}\``,
        `Machine: ${machine("Debian Chromium (headless), viewport 1440×900")}`,
        "",
        "| measure | result |",
        "| --- | --- |",
        `| time to first rows, navigation to first row painted (p50 of 4 warm loads; all: ${firstRows.join(", ")} ms) | ${firstRowP50} ms |`,
        `| loading ${loaded.toLocaleString("en")} rows by scrolling down (200 a page) | ${loadSeconds.toFixed(1)} s |`,
        `| frame time while scrolling from the first page (pages of 200 load as it goes) | ${fmt(small)} |`,
        `| frame time while scrolling, ${loaded.toLocaleString("en")} rows loaded | ${fmt(big)} |`,
        `| JS heap with ${loaded.toLocaleString("en")} rows loaded | ${Math.round(heap / 2 ** 20)} MiB |`,
        "",
      ]);
    }
  } finally {
    await stop();
  }
}

runBench(main);
