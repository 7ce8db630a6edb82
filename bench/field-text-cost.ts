/**
 * What it costs to make every string field of a record full-text searchable (issue: "grep finds what is in the
 * line"), before building it: the scale corpus (bench/corpus.ts's generator, seed and mix) written into one
 * daily-table schema per candidate layout of the `fields` full-text field, with the production table settings,
 * then each table's size on disk after a flush (`npm run bench:field-text`):
 *
 *   npm run bench:field-text -- [--records 1000000] [--rt-mem-limit 64M] [--only "today,values"] [--no-write]
 *
 * Layouts (each with the infix index the tables have today, `min_infix_len = 3`, and some without it):
 * - today: the anchor token only (no indexed columns), what an index without column flags stores now;
 * - values as written: every string value (nested objects and arrays included) as written, keys left out, for
 *   the engine to tokenize;
 * - words with ids in pieces: what the collector writes (sphinxql-dialect.ts fieldsTextOf): the words of every
 *   string value, a long word with a digit (a request or trace id) as marked 4-character pieces, so that a
 *   million distinct ids add postings, not a million dictionary words with their infixes.
 * And ids: today's are 63 bits of a hash (lib/records/record-id.ts), so consecutive postings of a word are about
 * 2^63 / n apart; some layouts are also measured with ids whose high bits are the time (timeId below).
 * The question each answers: how many bytes per million records a layout adds, against the budget of 25%.
 * Records are generated once and written to every table in the same order and batches.
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { createRecordGenerator } from "@/lib/demo/generate-records";
import {
  ALL_DOCS_TOKEN,
  TABLE_SCHEMA,
  TEXT_SETTINGS,
  fieldsTextOf,
  flushTableSql,
  replaceRowsSql,
  type EngineRow,
} from "@/lib/engine/sphinxql-dialect";
import { arrivalClock } from "@/lib/records/record-seq";
import { startBareSearchd } from "./bare-searchd";
import { normalizeGenerated, plainRow } from "./corpus";
import { machine, prependSection, runBench, stamp } from "./results";

const { values: args } = parseArgs({
  options: {
    records: { type: "string", default: "1000000" },
    // The production default (searchd-config.ts); a larger RAM chunk means fewer disk chunks per table.
    "rt-mem-limit": { type: "string", default: "64M" },
    /** Only these layouts (comma-separated names), with the infix index. */
    only: { type: "string" },
    "no-write": { type: "boolean", default: false },
  },
});
const RECORDS = Number(args.records);
const BATCH = 2000;
const MiB = 2 ** 20;
const log = (l: string) => console.log(`[bench] ${l}`);

function stringValues(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringValues(x, out);
  else if (v !== null && typeof v === "object") for (const x of Object.values(v)) stringValues(x, out);
  return out;
}

type Layout = { name: string; text: (fields: Record<string, unknown>) => string };

const LAYOUTS: Layout[] = [
  { name: "today", text: () => ALL_DOCS_TOKEN },
  {
    name: "values as written",
    text: (f) => [ALL_DOCS_TOKEN, ...stringValues(f)].join(" "),
  },
  {
    name: "words with ids in pieces",
    text: (f) => fieldsTextOf(f),
  },
];

/** One table: a layout, with or without the infix index, with today's ids or ids that start with the time. */
type Case = { layout: Layout; infix: boolean; timeIds: boolean };
type Result = Case & { bytes: number; byKind: Record<string, number>; rate: number };

const layout = (name: string) => LAYOUTS.find((l) => l.name === name)!;
const CASES: Case[] = [
  { layout: layout("today"), infix: true, timeIds: false },
  { layout: layout("values as written"), infix: true, timeIds: false },
  { layout: layout("words with ids in pieces"), infix: true, timeIds: false },
  { layout: layout("today"), infix: false, timeIds: false },
  { layout: layout("words with ids in pieces"), infix: false, timeIds: false },
  { layout: layout("today"), infix: true, timeIds: true },
  { layout: layout("words with ids in pieces"), infix: true, timeIds: true },
];

/**
 * An id whose high bits are the record's millisecond of its UTC day and whose low 36 bits are today's hash: rows
 * of a disk chunk then sit close in id order, and a posting list's gaps shrink from about 2^63 / n to about the
 * time between two postings times 2^36.
 */
function timeId(id: string, ts: number): string {
  const msOfDay = BigInt(ts - Math.floor(ts / 86_400_000) * 86_400_000);
  const low = BigInt(id) & ((1n << 36n) - 1n);
  const n = (msOfDay << 36n) | low;
  return (n === 0n ? 1n : n).toString();
}

async function tableBytes(dir: string, table: string) {
  let bytes = 0;
  const byKind: Record<string, number> = {};
  for (const f of await readdir(dir)) {
    if (!f.startsWith(`${table}.`)) continue;
    const size = (await stat(path.join(dir, f))).size;
    bytes += size;
    const kind = f.slice(f.lastIndexOf(".") + 1);
    byKind[kind] = (byKind[kind] ?? 0) + size;
  }
  return { bytes, byKind };
}

const describe = (c: Case) =>
  `${c.layout.name}${c.infix ? "" : ", no infix index"}${c.timeIds ? ", ids from time" : ""}`;

async function measure(
  rows: EngineRow[],
  fields: Record<string, unknown>[],
  infix: boolean,
): Promise<Result[]> {
  const only = args.only?.split(",");
  const cases = CASES.filter(
    (c) => c.infix === infix && (!only || (only.includes(c.layout.name) && !c.timeIds)),
  );
  const tables = cases.map((_, i) => `t${i}`);
  const settings = TEXT_SETTINGS.map((l) =>
    !infix && l.startsWith("min_infix_len") ? "min_infix_len = 0" : l,
  );
  const { dir, engine, stop } = await startBareSearchd((dir, port) =>
    [
      ...tables.map((t) =>
        [
          `index ${t} {`,
          "  type = rt",
          `  path = ${path.join(dir, t)}`,
          `  rt_mem_limit = ${args["rt-mem-limit"]}`,
          ...[...TABLE_SCHEMA, ...settings].map((l) => `  ${l}`),
          "}",
        ].join("\n"),
      ),
      [
        "searchd {",
        `  listen = 127.0.0.1:${port}:mysql41`,
        `  log = ${path.join(dir, "searchd.log")}`,
        `  pid_file = ${path.join(dir, "searchd.pid")}`,
        `  binlog_path = ${dir}`,
        "  workers = threads",
        "}",
      ].join("\n"),
    ].join("\n\n"),
  );
  try {
    const results: Result[] = [];
    for (const [i, c] of cases.entries()) {
      const started = performance.now();
      const inFlight: Promise<unknown>[] = [];
      for (let at = 0; at < rows.length; at += BATCH) {
        const batch = rows.slice(at, at + BATCH).map((r, j) => ({
          ...r,
          id: c.timeIds ? timeId(r.id, r.ts) : r.id,
          fieldsText: c.layout.text(fields[at + j]!),
        }));
        if (inFlight.length >= 2) await inFlight.shift();
        inFlight.push(engine.query(replaceRowsSql(tables[i]!, batch)));
      }
      await Promise.all(inFlight);
      const rate = rows.length / ((performance.now() - started) / 1000);
      await engine.query(flushTableSql(tables[i]!));
      const { bytes, byKind } = await tableBytes(dir, tables[i]!);
      results.push({ ...c, bytes, byKind, rate });
      log(`${describe(c)}: ${(bytes / MiB).toFixed(1)} MiB, ${Math.round(rate)}/s`);
    }
    return results;
  } finally {
    await stop();
  }
}

async function main() {
  log(`generating ${RECORDS} records`);
  const generator = createRecordGenerator({ seed: 20261121, startMs: Date.UTC(2026, 10, 1), ratePerSec: 50 });
  const arrived = arrivalClock();
  const rows: EngineRow[] = [];
  const fields: Record<string, unknown>[] = [];
  for (let i = 0; i < RECORDS; i++) {
    const r = generator.next().value;
    const x = normalizeGenerated(r, arrived);
    rows.push(plainRow(x));
    fields.push(x.fields);
  }
  const results = [
    ...(await measure(rows, fields, true)),
    ...(args.only ? [] : await measure(rows, fields, false)),
  ];
  const today = results[0]!.bytes;
  const perMillion = (b: number) => ((b / MiB) * 1e6) / RECORDS;
  const lines = [
    `## Full-text field values: disk per layout, ${stamp()}`,
    "",
    `Command: \`npm run bench:field-text -- --records ${RECORDS} --rt-mem-limit ${args["rt-mem-limit"]}` +
      `${args.only ? ` --only "${args.only}"` : ""}\`. Machine: ${machine()}.`,
    "",
    "| layout | infix index | ids | disk per million | vs today | doclists (.spd) | dictionary (.spi) | strings (.sps) | write rate |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...results.map(
      (r) =>
        `| ${r.layout.name} | ${r.infix ? "yes" : "no"} | ${r.timeIds ? "time, then hash" : "hash"} | ${perMillion(r.bytes).toFixed(0)} MiB | ${(r.bytes / today).toFixed(2)}× | ` +
        `${perMillion(r.byKind.spd ?? 0).toFixed(0)} MiB | ${perMillion(r.byKind.spi ?? 0).toFixed(0)} MiB | ` +
        `${perMillion(r.byKind.sps ?? 0).toFixed(0)} MiB | ${Math.round(r.rate)}/s |`,
    ),
    "",
  ];
  console.log(lines.join("\n"));
  if (!args["no-write"]) await prependSection(lines);
}

runBench(main);
