/**
 * An index without a single line: the reader shows the commands that send it its first one, checks for that line
 * with one small request every FIRST_LINE_CHECK_MS, and shows the line the shown curl sent without a reload.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Response } from "@playwright/test";
import { expect, test } from "../fixtures";
import { createTestIndex, createTestToken, dropTestIndex } from "../../test/helpers";

const run = promisify(execFile);
// FIRST_LINE_CHECK_MS in app/(reader)/_components/use-first-line.ts.
const FIRST_LINE_CHECK_MS = 5_000;

test("an empty index shows how to send its first line, and the line the shown curl sends appears", async ({
  page,
  dialogs,
}) => {
  const index = await createTestIndex();
  try {
    const api = `/api/grep/${index.name}`;
    const isCheck = (r: Response) => {
      const url = new URL(r.url());
      return url.pathname === api && url.search === "?limit=1";
    };
    const grepCalls: string[] = [];
    const checks: number[] = [];
    let documents = 0;
    page.on("request", (r) => {
      const url = new URL(r.url());
      if (r.resourceType() === "document") documents++;
      if (url.pathname === api) grepCalls.push(url.search);
    });
    page.on("response", (r) => {
      if (isCheck(r)) checks.push(Date.now());
    });

    await page.goto(`/grep/${index.name}`);
    const empty = page.getByTestId("empty-index");
    await expect(empty).toContainText(`${index.name} has no lines yet`);
    const curl = empty.getByTestId("first-line-curl");
    await expect(curl).toHaveText(
      `curl -X POST -H "Authorization: Bearer $ALCO_INGEST_TOKEN" --data-binary '{"message":"my first line"}' ` +
        `${new URL(page.url()).origin}/api/ingest/${index.name}`,
    );
    // The stack's own exchange, not the publishers' default, so both name it.
    const exchange = process.env.AMQP_EXCHANGE!;
    await expect(empty.getByTestId("first-line-winston")).toContainText(
      `exchange: "${exchange}", logger: "${index.name}"`,
    );
    await expect(empty.getByTestId("first-line-agent")).toContainText(
      `alco agent --exchange ${exchange} --index ${index.name} --logger app`,
    );
    await expect(page.getByTestId("empty")).toHaveCount(0);

    // The commands show once the first check found no line; while empty the page asks again every
    // FIRST_LINE_CHECK_MS, with the same small request and nothing else.
    if (checks.length < 2) await page.waitForResponse(isCheck);
    expect(checks[1]! - checks[0]!).toBeGreaterThan(FIRST_LINE_CHECK_MS - 1_000);
    const sinceLoad = grepCalls.slice(grepCalls.indexOf("?limit=1"));
    expect(sinceLoad.length).toBeGreaterThanOrEqual(2);
    expect(sinceLoad.filter((q) => q !== "?limit=1")).toEqual([]);

    // The command exactly as shown, with a real ingest token in the variable it reads.
    const { token } = await createTestToken("ingest");
    const arrived = page.waitForResponse(
      async (r) => isCheck(r) && ((await r.json()) as { records: unknown[] }).records.length > 0,
    );
    const { stdout } = await run("sh", ["-c", (await curl.textContent())!], {
      env: { ...process.env, ALCO_INGEST_TOKEN: token },
    });
    expect(JSON.parse(stdout)).toEqual({ accepted: 1 });
    await arrived;
    const rows = page.getByTestId("log-row");
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText("my first line");
    await expect(empty).toHaveCount(0);
    expect(documents).toBe(1);
    expect(dialogs).toEqual([]);
  } finally {
    await dropTestIndex(index);
  }
});

test("an index with lines that match nothing says so, without the commands", async ({ page, seeded }) => {
  const checked = page.waitForResponse((r) => {
    const url = new URL(r.url());
    return url.pathname === `/api/grep/${seeded.index.name}` && url.search === "?limit=1";
  });
  await page.goto(`/grep/${seeded.index.name}?q=nosuchwordanywhere`);
  expect(((await (await checked).json()) as { records: unknown[] }).records).toHaveLength(1);
  await expect(page.getByTestId("empty")).toContainText("No lines match");
  await expect(page.getByTestId("empty-index")).toHaveCount(0);
});
