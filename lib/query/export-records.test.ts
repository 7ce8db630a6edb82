import { describe, it, expect } from "vitest";
import type { Engine } from "@/lib/engine/engine-client";
import { exportFilename, exportLine, exportRecords } from "@/lib/query/export-records";
import type { ExportParams } from "@/lib/query/reader-schema";
import type { LogRecord } from "./wire";

const record: LogRecord = {
  id: "42",
  ts: 1_795_000_000_123,
  seq: "0",
  time: "2026-11-18T09:46:40.123Z",
  message: "GET /x 500",
  level: "error",
  logger: "shop.views",
  host: "web-01",
  fields: { status: 500 },
  highlights: [[0, 3]],
};

describe("exportLine", () => {
  it("writes a record as one JSON line without highlights", () => {
    const line = exportLine(record, "ndjson");
    expect(line.endsWith("\n")).toBe(true);
    expect(JSON.parse(line)).toEqual({
      id: "42",
      ts: 1_795_000_000_123,
      seq: "0",
      time: "2026-11-18T09:46:40.123Z",
      message: "GET /x 500",
      level: "error",
      logger: "shop.views",
      host: "web-01",
      fields: { status: 500 },
    });
  });

  it("writes a log line with an uppercased level and - for what is missing", () => {
    expect(exportLine(record, "text")).toBe("2026-11-18T09:46:40.123Z web-01 shop.views ERROR GET /x 500\n");
    expect(exportLine({ ...record, level: "", host: "" }, "text")).toBe(
      "2026-11-18T09:46:40.123Z - shop.views - GET /x 500\n",
    );
  });

  it("writes a coloured message without its colour sequences as text, and as it is in NDJSON", () => {
    const coloured = { ...record, message: "\u001b[1;31mERROR\u001b[0m disk \u001b[33mfull\u001b[m" };
    expect(exportLine(coloured, "text")).toBe(
      "2026-11-18T09:46:40.123Z web-01 shop.views ERROR ERROR disk full\n",
    );
    expect((JSON.parse(exportLine(coloured, "ndjson")) as LogRecord).message).toBe(coloured.message);
  });
});

describe("exportFilename", () => {
  it("names the download after the logger and the UTC time", () => {
    const t = Date.UTC(2026, 10, 21, 9, 5, 7, 999);
    expect(exportFilename("demo", "ndjson", t)).toBe("demo-20261121-090507.ndjson");
    expect(exportFilename("demo", "text", t)).toBe("demo-20261121-090507.log");
  });
});

/**
 * An engine holding `total` records with distinct ts (oldest has ts = 1, newest ts = total), answering keyset
 * pages either way.
 */
function fakeEngine(total: number) {
  const statements: string[] = [];
  const engine = {
    query: (sql: string) => {
      statements.push(sql);
      const limit = Number(/LIMIT (\d+)/.exec(sql)![1]);
      const row = (ts: number) => ({
        id: String(ts),
        ts,
        msg: `line ${ts}`,
        level: "info",
        logger: "l",
        host: "h",
        js: "{}",
      });
      const rows = [];
      if (sql.includes("ORDER BY ts ASC")) {
        const above = /\(ts >= (\d+) AND \(ts > \1 OR/.exec(sql);
        for (let ts = above ? Number(above[1]) + 1 : 1; ts <= total && rows.length < limit; ts++)
          rows.push(row(ts));
      } else {
        const below = /\(ts < (\d+) OR \(ts = \1 AND/.exec(sql);
        for (let ts = below ? Number(below[1]) - 1 : total; ts >= 1 && rows.length < limit; ts--)
          rows.push(row(ts));
      }
      return Promise.resolve(rows);
    },
  } as unknown as Engine;
  return { engine, statements };
}

const params: ExportParams = { q: "", filter: [], format: "text", from: undefined, to: undefined };

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe("exportRecords", () => {
  it("pages through every record as text oldest first, like a log file, and ends after a short page", async () => {
    const { engine, statements } = fakeEngine(10);
    const stream = await exportRecords(engine, "demo", params, new AbortController().signal, { pageSize: 4 });
    const lines = (await readAll(stream)).trimEnd().split("\n");
    expect(lines.map((l) => Number(l.split(" ").pop()))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(statements).toHaveLength(3);
    expect(statements[0]).toContain("ORDER BY ts ASC, seq ASC, id ASC LIMIT 4");
  });

  it("pages through every record as NDJSON newest first, as the grep API answers", async () => {
    const { engine } = fakeEngine(10);
    const ndjson = { ...params, format: "ndjson" as const };
    const stream = await exportRecords(engine, "demo", ndjson, new AbortController().signal, { pageSize: 4 });
    const lines = (await readAll(stream)).trimEnd().split("\n");
    expect(lines.map((l) => (JSON.parse(l) as LogRecord).ts)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it("stops at the record cap", async () => {
    const { engine, statements } = fakeEngine(100);
    const stream = await exportRecords(engine, "demo", params, new AbortController().signal, {
      pageSize: 4,
      maxRecords: 10,
    });
    expect((await readAll(stream)).trimEnd().split("\n")).toHaveLength(10);
    expect(statements).toHaveLength(3);
  });

  it("runs the first page before the stream exists, so engine errors reach the caller", async () => {
    const engine = { query: () => Promise.reject(new Error("refused")) } as unknown as Engine;
    await expect(exportRecords(engine, "demo", params, new AbortController().signal)).rejects.toThrow(
      "refused",
    );
  });

  it("fetches no further page once the client has gone away", async () => {
    const { engine, statements } = fakeEngine(1_000_000);
    const abort = new AbortController();
    const stream = await exportRecords(engine, "demo", params, abort.signal, { pageSize: 10 });
    const reader = stream.getReader();
    await reader.read();
    abort.abort();
    const fetched = statements.length;
    while (!(await reader.read()).done);
    expect(statements.length).toBe(fetched);
  });
});
