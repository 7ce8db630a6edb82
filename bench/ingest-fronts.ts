/**
 * Records a second through each front end into an index, against publishing onto the exchange directly, in one
 * run on one stack, so the ratios hold however busy the machine is:
 *
 *   npm run bench:fronts -- [--records 50000] [--rounds 2] [--no-write]
 *
 * - AMQP: the records published with confirms onto the logs exchange under the index's routing key, as the
 *   transports do: the baseline, everything after it being the collector's and the engine's work.
 * - Elasticsearch bulk: the Elastic client's `helpers.bulk` (its defaults: 5 MB requests, 5 at a time) against
 *   the production web app.
 * - Syslog: util-linux `logger --tcp --rfc5424`, one message a line of its input, into the syslog listener process
 *   as production runs it (dist/workers/syslog.mjs).
 *
 * Each is timed from its first record sent to its last counted in the engine (what a reader can find), and to
 * the moment the client finished sending. The paths take turns, each into its own index, `--rounds` times, in an
 * order reversed every round; the collector process (bench/server-stack.ts) is the same for all.
 * Results are written first in docs/BENCHMARKS.md unless --no-write.
 */
import { Client } from "@elastic/elasticsearch";
import { spawn } from "node:child_process";
import { once } from "node:events";
import net from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import { routingKeyMatching } from "@/lib/amqp/topology";
import { freePort } from "@/lib/engine/searchd-supervisor";
import { machine, prependSection, runBench, stamp } from "./results";
import { startServerStack } from "./server-stack";

const root = path.resolve(import.meta.dirname, "..");
const log = (l: string) => console.log(`[bench] ${l}`);

const { values: args } = parseArgs({
  options: {
    records: { type: "string", default: "50000" },
    rounds: { type: "string", default: "2" },
    "no-write": { type: "boolean", default: false },
  },
});
const N = Number(args.records);
const ROUNDS = Number(args.rounds);

type Path = "amqp" | "elastic" | "syslog";
type Timing = { sentMs: number; storedMs: number };

const message = (p: string, round: number, n: number) =>
  `GET /api/orders/${n} 200 ${(n * 7919) % 1000} ms bench ${p} round ${round} record ${n}`;

runBench(async () => {
  const stack = await startServerStack("fronts_amqp");
  const { helpers } = stack;
  const indexes: Record<Path, { name: string; queueName: string; routingKeys: string[] }> = {
    amqp: stack.index as { name: string; queueName: string; routingKeys: string[] },
    elastic: await helpers.createTestIndex({ name: "fronts_elastic", retentionDays: 2 }),
    syslog: await helpers.createTestIndex({ name: "fronts_syslog", retentionDays: 2 }),
  };
  const token = (await helpers.createTestToken("ingest")).token;
  const syslogPort = await freePort();
  const syslog = spawn(process.execPath, [path.join(root, "dist/workers/syslog.mjs")], {
    cwd: root,
    env: {
      ...process.env,
      ...stack.env,
      SYSLOG_PORT: String(syslogPort),
      SYSLOG_UDP: "false",
      SYSLOG_INDEX: indexes.syslog.name,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const timings: Record<Path, Timing[]> = { amqp: [], elastic: [], syslog: [] };
  try {
    await helpers.waitFor(
      "the syslog listener",
      () =>
        new Promise<boolean>((resolve) => {
          const s = net.connect(syslogPort, "127.0.0.1");
          s.once("connect", () => (s.destroy(), resolve(true)));
          s.once("error", () => resolve(false));
        }),
      30_000,
    );

    const send: Record<Path, (round: number) => Promise<void>> = {
      amqp: (round) =>
        helpers.publish(
          Array.from({ length: N }, (_, n) => ({
            routingKey: routingKeyMatching(indexes.amqp.routingKeys[0]!, "bench"),
            body: { message: message("amqp", round, n), level: "info", host: "bench-1", n },
          })),
        ),
      elastic: async (round) => {
        const client = new Client({
          node: `${stack.base}/api/ingest/${indexes.elastic.name}/elastic`,
          auth: { bearer: token },
        });
        const stats = await client.helpers.bulk({
          datasource: Array.from({ length: N }, (_, n) => ({
            message: message("elastic", round, n),
            log: { level: "info" },
            host: { name: "bench-1" },
            n,
          })),
          onDocument: () => ({ index: { _index: "bench" } }),
        });
        if (stats.failed) throw new Error(`${stats.failed} documents failed`);
        await client.close();
      },
      syslog: async (round) => {
        const child = spawn(
          "logger",
          ["--tcp", "--rfc5424", "-t", "bench", "-n", "127.0.0.1", "-P", String(syslogPort)],
          { stdio: ["pipe", "ignore", "inherit"] },
        );
        const lines = Array.from({ length: N }, (_, n) => message("syslog", round, n)).join("\n") + "\n";
        child.stdin.end(lines);
        const [code] = (await once(child, "exit")) as [number];
        if (code !== 0) throw new Error(`logger exited ${code}`);
      },
    };

    const order: Path[] = ["amqp", "elastic", "syslog"];
    for (let round = 0; round < ROUNDS; round++) {
      for (const p of round % 2 ? [...order].reverse() : order) {
        const before = await helpers.engineCount(indexes[p].name);
        const started = performance.now();
        await send[p](round);
        const sentMs = performance.now() - started;
        await helpers.waitFor(
          `${N} records of ${p}`,
          async () => (await helpers.engineCount(indexes[p].name)) >= before + N,
          600_000,
        );
        const storedMs = performance.now() - started;
        const count = await helpers.engineCount(indexes[p].name);
        if (count !== before + N) throw new Error(`${p}: ${count - before} records stored, expected ${N}`);
        timings[p].push({ sentMs, storedMs });
        log(
          `${p} round ${round + 1}: sent in ${(sentMs / 1000).toFixed(1)} s, stored in ${(storedMs / 1000).toFixed(1)} s`,
        );
      }
    }
  } finally {
    syslog.kill("SIGTERM");
    await once(syslog, "exit");
    for (const p of ["elastic", "syslog"] as const) await helpers.dropTestIndex(indexes[p]);
    await stack.stop();
  }

  const rate = (ms: number) => Math.round(N / (ms / 1000));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const stored = (p: Path) => rate(mean(timings[p].map((t) => t.storedMs)));
  const sent = (p: Path) => rate(mean(timings[p].map((t) => t.sentMs)));
  const names: Record<Path, string> = {
    amqp: "AMQP, published with confirms (baseline)",
    elastic: "Elasticsearch bulk, `helpers.bulk` over HTTP",
    syslog: "syslog, `logger --tcp --rfc5424`",
  };
  const lines = [
    `## Ingest front ends: records/s into an index, against AMQP — ${stamp()}`,
    "",
    `Command: \`npm run bench:fronts -- --records ${N} --rounds ${ROUNDS}\``,
    `Machine: ${machine()}`,
    "",
    `${N} records a path a round, ${ROUNDS} rounds, the paths in turn (the order reversed every other round), one`,
    "collector process for all. Stored: first record sent to the last one counted in the engine; sent: until the",
    "client was done (for AMQP, every publish confirmed; for syslog, logger exited with its lines in the socket's",
    "buffers, read on as the broker confirms). Mean of the rounds. The collector writes every path's records the",
    "same way, so the gap to AMQP is what each front end adds while the collector keeps up.",
    "",
    "| path | stored, records/s | × AMQP | sent, records/s |",
    "| ---- | ----------------: | -----: | --------------: |",
    ...(["amqp", "elastic", "syslog"] as const).map(
      (p) => `| ${names[p]} | ${stored(p)} | ${(stored(p) / stored("amqp")).toFixed(2)} | ${sent(p)} |`,
    ),
    "",
  ];
  console.log(lines.join("\n"));
  if (!args["no-write"]) await prependSection(lines);
});
