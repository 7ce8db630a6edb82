/**
 * What one alert rule's evaluation costs the engine, by window and by groupBy (`npm run bench:alerts`):
 *
 *   npm run bench:alerts -- [--records 300000] [--hours 6] [--runs 15]
 *
 * An isolated stack (test/stack.ts), one index, records published through RabbitMQ and the collector, stamped
 * evenly over the last `hours` (one day table), 2% of them `status:500`, 20 paths. Then each rule shape's count
 * (lib/alerts/count-window.ts, what the evaluator runs) timed `runs` times after two warm-ups; medians and p90.
 * The question: does a rule's cost follow the records in its window or the index's size?
 */
import amqp from "amqplib";
import { parseArgs } from "node:util";
import { getDb } from "@/db/client";
import { assertIndexQueue } from "@/lib/amqp/topology";
import { countWindow } from "@/lib/alerts/count-window";
import { Collector } from "@/lib/collector/collector";
import { parseCollectorEnv } from "@/lib/collector/env";
import { createEngine, parseEngineAddress } from "@/lib/engine/engine-client";
import { countTableSql } from "@/lib/engine/sphinxql-dialect";
import { createIndex } from "@/lib/indexes/logger-indexes";
import { startStack } from "@/test/stack";
import { machine, runBench } from "./results";

const { values: args } = parseArgs({
  options: {
    records: { type: "string", default: "300000" },
    hours: { type: "string", default: "6" },
    runs: { type: "string", default: "15" },
  },
});
const RECORDS = Number(args.records);
const SPAN_MS = Number(args.hours) * 3_600_000;
const RUNS = Number(args.runs);
const log = (l: string) => console.log(`[bench] ${l}`);

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;

runBench(async () => {
  const { env, stop } = await startStack("bench_alerts");
  Object.assign(process.env, env);
  const collector = new Collector(parseCollectorEnv({ ...process.env, METRICS_PORT: "0" }), {
    log: () => undefined,
  });
  const engine = createEngine(parseEngineAddress(env.SEARCHD_URL));
  try {
    const db = getDb(env.DATABASE_URL);
    const index = await createIndex(db, { name: "alertcost", queueName: `alco_bench_${env.ALCO_TEST_RUN}` });
    const conn = await amqp.connect(env.AMQP_URL);
    await assertIndexQueue(conn, { name: env.AMQP_EXCHANGE, durable: true, log }, index);
    while (!(await engine.tables()).has(index.name)) await new Promise((r) => setTimeout(r, 200));
    await collector.start();

    const now = Date.now();
    const started = performance.now();
    const ch = await conn.createConfirmChannel();
    for (let i = 0; i < RECORDS; i++) {
      const status = i % 50 === 0 ? 500 : 200;
      const body = {
        message: `GET /api/p${i % 20} ${status}`,
        level: status === 500 ? "error" : "info",
        host: `web-${i % 8}`,
        time: now - Math.floor((i / RECORDS) * SPAN_MS),
        path: `/api/p${i % 20}`,
        status,
      };
      if (
        !ch.publish(env.AMQP_EXCHANGE, `app.${index.name}`, Buffer.from(JSON.stringify(body)), {
          messageId: `r${i}`,
        })
      )
        await new Promise((r) => ch.once("drain", r));
      if (i % 5000 === 4999) await ch.waitForConfirms();
    }
    await ch.waitForConfirms();
    await conn.close();
    for (;;) {
      const rows = await engine.query<{ n: number }>(countTableSql(index.name));
      if (Number(rows[0]?.n ?? 0) >= RECORDS) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    log(`${RECORDS} records indexed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await collector.stop();

    const target = { name: index.name, retentionDays: index.retentionDays };
    const lines = [
      `alert rule cost, ${RECORDS} records over ${args.hours} h in one day table, ${machine()}`,
      "",
      "| rule | window | records in window | p50 | p90 |",
      "| --- | --- | --- | --- | --- |",
    ];
    const shapes = [
      { name: "status:500", query: "status:500", groupBy: null },
      { name: "status:500 by path", query: "status:500", groupBy: "path" },
      { name: "every record", query: "", groupBy: null },
      { name: "word: api by host", query: "api", groupBy: "host" },
    ];
    for (const windowS of [300, 3600, Number(args.hours) * 3600]) {
      for (const shape of shapes) {
        const toMs = Date.now();
        const window = { fromMs: toMs - windowS * 1000 + 1, toMs };
        const times: number[] = [];
        let matched = 0;
        for (let run = 0; run < RUNS + 2; run++) {
          const t = performance.now();
          const counts = await countWindow(engine, target, shape, window);
          if (run >= 2) times.push(performance.now() - t);
          matched = [...counts.values()].reduce((a, b) => a + b, 0);
        }
        lines.push(
          `| ${shape.name} | ${windowS / 60} min | ${matched} | ${quantile(times, 0.5).toFixed(1)} ms | ${quantile(times, 0.9).toFixed(1)} ms |`,
        );
      }
    }
    console.log(lines.join("\n"));
  } finally {
    await collector.stop().catch(() => undefined);
    await engine.close();
    await stop();
  }
});
