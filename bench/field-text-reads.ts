/**
 * What free text over every string field costs where a reader feels it (docs/OPERATIONS.md "Records", searchable
 * text): the same corpus written into two indexes of one searchd, `before` with the `fields` text records had
 * until now (the anchor token only) and `after` with what the collector writes now (sphinxql-dialect.ts
 * fieldsTextOf), then the reader's reads asked of both, alternating, in one run (`npm run bench:field-text-reads`):
 *
 *   npm run bench:field-text-reads -- [--sizes 1000000,10000000] [--runs 20] [--no-write]
 *
 * The corpus is the scale benchmark's (bench/corpus.ts's generator and seed, ten days ending now). Rows are
 * written a batch to each index in turn, one statement at a time, so each index's write time is its own.
 * Reads run the production query code (searchRecords) in this process. Results go to docs/BENCHMARKS.md.
 */
import { parseArgs } from "node:util";
import { createRecordGenerator, type GeneratedRecord } from "@/lib/demo/generate-records";
import type { Engine } from "@/lib/engine/engine-client";
import { utcDayStart } from "@/lib/engine/retention";
import { renderSearchdConfig } from "@/lib/engine/searchd-config";
import {
  ALL_DOCS_TOKEN,
  dailyTableName,
  fieldsTextOf,
  flushTableSql,
  replaceRowsSql,
  type EngineRow,
} from "@/lib/engine/sphinxql-dialect";
import { grepParamsSchema } from "@/lib/query/schema";
import { searchRecords } from "@/lib/query/search-records";
import type { GrepResult } from "@/lib/query/wire";
import { arrivalClock } from "@/lib/records/record-seq";
import { startBareSearchd } from "./bare-searchd";
import { engineDiskBytes, normalizeGenerated, percentile, plainRow } from "./corpus";
import { machine, prependSection, runBench, stamp } from "./results";

const { values: args } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000000" },
    runs: { type: "string", default: "20" },
    "no-write": { type: "boolean", default: false },
  },
});
const SIZES = args.sizes
  .split(",")
  .map(Number)
  .sort((a, b) => a - b);
const RUNS = Number(args.runs);
const SPAN_DAYS = 10;
const RETENTION_DAYS = SPAN_DAYS + 4;
const BATCH = 2000;
const MiB = 2 ** 20;
const log = (l: string) => console.log(`[bench] ${l}`);
const ms = (v: number) => (v >= 100 ? Math.round(v).toString() : v.toFixed(1));

type Side = "before" | "after";
const SIDES: Side[] = ["before", "after"];
const INDEX: Record<Side, { name: string; retentionDays: number }> = {
  before: { name: "before", retentionDays: RETENTION_DAYS },
  after: { name: "after", retentionDays: RETENTION_DAYS },
};

function startEngine(nowMs: number) {
  return startBareSearchd(
    (dir, port) =>
      renderSearchdConfig(
        { flavor: "sphinx2", dataDir: dir, host: "127.0.0.1", port },
        Object.values(INDEX),
        nowMs,
      ).text,
  );
}

type Writer = {
  written: number;
  spentMs: Record<Side, number>;
  textMs: number;
  needle: string | null;
  requestId: string | null;
};

/** Writes the corpus on up to `target` records into both indexes, a batch to each in turn. */
async function writeTo(engine: Engine, gen: Generator<GeneratedRecord, never>, w: Writer, target: number) {
  const arrived = arrivalClock();
  const pending = new Map<string, { before: EngineRow[]; after: EngineRow[] }>();
  const send = async (day: number, rows: { before: EngineRow[]; after: EngineRow[] }) => {
    for (const side of SIDES) {
      const t0 = performance.now();
      await engine.query(replaceRowsSql(dailyTableName(side, day), rows[side]));
      w.spentMs[side] += performance.now() - t0;
    }
  };
  while (w.written < target) {
    const r = gen.next().value;
    if (w.needle === null && w.written >= target / 2) {
      const m = /app\.([0-9a-f]{6})\.js/.exec(r.line);
      if (m) w.needle = m[1]!;
    }
    const x = normalizeGenerated(r, arrived);
    if (w.requestId === null && w.written >= target / 2 && typeof x.fields.requestId === "string")
      w.requestId = x.fields.requestId;
    const base: EngineRow = { ...plainRow(x), fieldsText: ALL_DOCS_TOKEN };
    const t0 = performance.now();
    const fieldsText = fieldsTextOf(x.fields);
    w.textMs += performance.now() - t0;
    const day = utcDayStart(x.ts);
    const key = String(day);
    const rows = pending.get(key) ?? { before: [], after: [] };
    rows.before.push(base);
    rows.after.push({ ...base, fieldsText });
    pending.set(key, rows);
    if (rows.before.length >= BATCH) {
      pending.delete(key);
      await send(day, rows);
    }
    w.written++;
    if (w.written % 500_000 === 0) log(`written ${w.written}`);
  }
  for (const [key, rows] of pending) await send(Number(key), rows);
}

type Read = { name: string; run: (engine: Engine, side: Side) => Promise<GrepResult> };

const grep = (engine: Engine, side: Side, query: Record<string, string>) =>
  searchRecords(engine, INDEX[side], grepParamsSchema.parse({ limit: "100", ...query }));

function reads(needle: string, requestId: string): Read[] {
  const first = (name: string, q: string): Read => ({ name, run: (e, s) => grep(e, s, { q }) });
  const cursors = new Map<Side, string>();
  return [
    first("first page, no query", ""),
    first("first page, common word: orders", "orders"),
    first("first page, rare word in the message", needle),
    first('first page, phrase: "gateway timeout"', '"gateway timeout"'),
    first("first page, prefix: pay*", "pay*"),
    first("first page, a request id (in a field only)", requestId),
    {
      name: 'next page at page 20 of "orders"',
      run: async (e, s) => {
        if (!cursors.has(s)) {
          let page = await grep(e, s, { q: "orders" });
          for (let i = 1; i < 20 && page.cursors.older; i++)
            page = await grep(e, s, { q: "orders", before: page.cursors.older });
          cursors.set(s, page.cursors.older ?? "");
        }
        return grep(e, s, { q: "orders", before: cursors.get(s)! });
      },
    },
  ];
}

type Answer = { name: string; p50: Record<Side, number>; rows: Record<Side, number> };

async function timeRead(engine: Engine, read: Read): Promise<Answer> {
  const times: Record<Side, number[]> = { before: [], after: [] };
  const rows: Record<Side, number> = { before: 0, after: 0 };
  for (let i = 0; i < RUNS + 2; i++) {
    for (const side of i % 2 ? (["after", "before"] as const) : (["before", "after"] as const)) {
      const t0 = performance.now();
      const r = await read.run(engine, side);
      // Two warm-up rounds: the first read of a kind loads the engine's dictionaries and the code's paths.
      if (i >= 2) times[side].push(performance.now() - t0);
      rows[side] = r.records.length;
    }
  }
  return {
    name: read.name,
    p50: { before: percentile(times.before, 50), after: percentile(times.after, 50) },
    rows,
  };
}

async function main() {
  const nowMs = Date.now();
  const spanMs = SPAN_DAYS * 86_400_000;
  const last = SIZES[SIZES.length - 1]!;
  const { dir, engine, stop } = await startEngine(nowMs);
  const gen = createRecordGenerator({
    seed: 20261121,
    startMs: nowMs - spanMs,
    ratePerSec: last / (spanMs / 1000),
    index: "lines",
  });
  const w: Writer = {
    written: 0,
    spentMs: { before: 0, after: 0 },
    textMs: 0,
    needle: null,
    requestId: null,
  };
  const lines = [
    `## Full-text field values: reads and writes before and after, ${stamp()}`,
    "",
    `Command: \`npm run bench:field-text-reads -- --sizes ${SIZES.join(",")} --runs ${RUNS}\`. ` +
      `Machine: ${machine()}. The same corpus in two indexes of one searchd: \`before\` with the anchor ` +
      "token only in `fields`, `after` with the words of every string field (fieldsTextOf); reads alternate " +
      "between them, p50 of the runs after two warm-up rounds.",
    "",
  ];
  try {
    for (const size of SIZES) {
      log(`writing up to ${size}`);
      await writeTo(engine, gen, w, size);
      for (const side of SIDES)
        for (const t of await engine.tables())
          if (t.startsWith(`${side}_`)) await engine.query(flushTableSql(t));
      const disk = {
        before: await engineDiskBytes(dir, "before"),
        after: await engineDiskBytes(dir, "after"),
      };
      const answers: Answer[] = [];
      for (const read of reads(w.needle!, w.requestId!)) {
        const a = await timeRead(engine, read);
        log(
          `${size} ${a.name}: ${ms(a.p50.before)} → ${ms(a.p50.after)} ms (${a.rows.before} / ${a.rows.after} rows)`,
        );
        answers.push(a);
      }
      const perM = (b: number) => ((b / MiB) * 1e6) / size;
      const rate = (side: Side) => Math.round(w.written / (w.spentMs[side] / 1000));
      lines.push(
        `### ${size.toLocaleString("en")} records`,
        "",
        `Disk per million records: before ${perM(disk.before).toFixed(0)} MiB, after ${perM(disk.after).toFixed(0)} MiB ` +
          `(${(disk.after / disk.before).toFixed(2)}×). Engine write rate: before ${rate("before")}/s, after ` +
          `${rate("after")}/s (${(rate("after") / rate("before")).toFixed(2)}×); the fields text costs the ` +
          `collector ${((w.textMs * 1000) / w.written).toFixed(1)} µs per record.`,
        "",
        "| read | before p50 | after p50 | after / before | rows before / after |",
        "| --- | --- | --- | --- | --- |",
        ...answers.map(
          (a) =>
            `| ${a.name} | ${ms(a.p50.before)} ms | ${ms(a.p50.after)} ms | ${(a.p50.after / a.p50.before).toFixed(2)}× | ` +
            `${a.rows.before} / ${a.rows.after} |`,
        ),
        "",
      );
    }
  } finally {
    await stop();
  }
  console.log(lines.join("\n"));
  if (!args["no-write"]) await prependSection(lines);
}

runBench(main);
