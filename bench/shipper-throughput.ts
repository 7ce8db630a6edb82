/**
 * Records per second into an index through each way in, in one run on one stack: AMQP (published with confirms
 * straight onto the exchange, as our transports do), OTLP/HTTP logs (protobuf bodies as the OpenTelemetry SDK's
 * serializer writes them) and Loki push (snappy protobuf as Promtail and Alloy send it), into the production web
 * app, the collector process and searchd (bench/server-stack.ts).
 *
 *   npm run bench:shippers -- [--records 50000] [--batch 1000] [--concurrency 4] [--no-write]
 *
 * Bodies are encoded before the clock starts, so what is timed is alco's side: for the HTTP paths, "accepted" is
 * from the first request to the last answer (the front end's decoding, mapping and confirmed publishing), and
 * "stored" is until the engine holds every record (the collector included, which is the same for every path).
 * The paths run one after another, each into its own index, in the order AMQP, OTLP, Loki, AMQP again, so the
 * AMQP figure is the mean of runs on either side. Results are prepended to docs/BENCHMARKS.md unless --no-write.
 */
import { SeverityNumber } from "@opentelemetry/api";
import { ProtobufLogsSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type ReadableLogRecord,
} from "@opentelemetry/sdk-logs";
import { parseArgs } from "node:util";
import { buildWorkers } from "../test/collector-command";
import { encodeLokiPush } from "../test/loki-proto";
import { ensureWebBuild } from "../test/web-process";
import { machine, prependSection, runBench, stamp } from "./results";
import { startServerStack, type ServerStack } from "./server-stack";

const log = (l: string) => console.log(`[bench] ${l}`);

const { values: args } = parseArgs({
  options: {
    records: { type: "string", default: "50000" },
    batch: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "4" },
    "no-write": { type: "boolean", default: false },
  },
});
const RECORDS = Number(args.records);
const BATCH = Number(args.batch);
const CONCURRENCY = Number(args.concurrency);

const message = (i: number) =>
  `order ${i} declined by acme after 3 attempts (card ending ${1000 + (i % 9000)})`;
const level = (i: number) => (i % 10 === 0 ? "error" : i % 3 === 0 ? "warn" : "info");

type Run = { path: string; acceptedMs: number | null; storedMs: number };

async function otlpBodies(): Promise<Uint8Array[]> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ "service.name": "checkout", "host.name": "web-7" }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger("checkout.http");
  const now = Date.now();
  for (let i = 0; i < RECORDS; i++)
    logger.emit({
      body: message(i),
      severityNumber:
        level(i) === "error"
          ? SeverityNumber.ERROR
          : level(i) === "warn"
            ? SeverityNumber.WARN
            : SeverityNumber.INFO,
      timestamp: now + i / 100,
      attributes: { "order.id": i, provider: "acme", attempt: 3 },
    });
  await provider.forceFlush();
  const records: ReadableLogRecord[] = exporter.getFinishedLogRecords();
  const bodies: Uint8Array[] = [];
  for (let i = 0; i < records.length; i += BATCH)
    bodies.push(ProtobufLogsSerializer.serializeRequest(records.slice(i, i + BATCH))!);
  return bodies;
}

function lokiBodies(): Uint8Array[] {
  const bodies: Uint8Array[] = [];
  const now = Date.now();
  for (let from = 0; from < RECORDS; from += BATCH) {
    const byLevel = new Map<string, { timestamp: { seconds: number; nanos: number }; line: string }[]>();
    for (let i = from; i < Math.min(from + BATCH, RECORDS); i++) {
      const ms = now + Math.floor(i / 100);
      const entries = byLevel.get(level(i)) ?? [];
      entries.push({
        timestamp: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 + (i % 100) * 1000 },
        line: message(i),
      });
      byLevel.set(level(i), entries);
    }
    bodies.push(
      encodeLokiPush(
        [...byLevel].map(([lvl, entries]) => ({
          labels: `{app="checkout", host="web-7", level="${lvl}", provider="acme"}`,
          entries,
        })),
      ),
    );
  }
  return bodies;
}

function amqpRecords(): object[] {
  const now = Date.now();
  return Array.from({ length: RECORDS }, (_, i) => ({
    message: message(i),
    level: level(i),
    logger: "checkout",
    host: "web-7",
    timestamp: new Date(now + Math.floor(i / 100)).toISOString(),
    "order.id": i,
    provider: "acme",
    attempt: 3,
  }));
}

async function stored(stack: ServerStack, index: string, started: number): Promise<number> {
  await stack.helpers.waitFor(
    `${RECORDS} records in ${index}`,
    async () => (await stack.helpers.engineCount(index)) >= RECORDS,
    600_000,
  );
  return Date.now() - started;
}

async function postAll(url: string, token: string, contentType: string, bodies: Uint8Array[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const res = await fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": contentType },
        body: Buffer.from(body),
      });
      if (!res.ok) throw new Error(`${url} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function main() {
  await ensureWebBuild(log);
  buildWorkers();
  const stack = await startServerStack(`ship_${Date.now().toString(36)}`);
  try {
    const { helpers } = stack;
    const token = (await helpers.createTestToken("ingest")).token;
    log(`encoding ${RECORDS} records per path in bodies of ${BATCH}`);
    const [otlp, loki, amqpBody] = [await otlpBodies(), lokiBodies(), amqpRecords()];
    const runs: Run[] = [];

    const amqpRun = async () => {
      const index = await helpers.createTestIndex();
      await new Promise((r) => setTimeout(r, 2500)); // the collector's index refresh
      const started = Date.now();
      await helpers.publish(amqpBody.map((body) => ({ routingKey: `app.${index.name}`, body })));
      const storedMs = await stored(stack, index.name, started);
      runs.push({ path: "AMQP (confirmed publish)", acceptedMs: null, storedMs });
      log(`AMQP: ${storedMs} ms`);
    };
    const httpRun = async (path: string, route: string, contentType: string, bodies: Uint8Array[]) => {
      const index = await helpers.createTestIndex();
      await new Promise((r) => setTimeout(r, 2500));
      const started = Date.now();
      await postAll(`${stack.base}/api/ingest/${index.name}${route}`, token, contentType, bodies);
      const acceptedMs = Date.now() - started;
      const storedMs = await stored(stack, index.name, started);
      runs.push({ path, acceptedMs, storedMs });
      log(`${path}: accepted in ${acceptedMs} ms, stored in ${storedMs} ms`);
    };

    await amqpRun();
    await httpRun("OTLP/HTTP logs (protobuf)", "/v1/logs", "application/x-protobuf", otlp);
    await httpRun("Loki push (snappy protobuf)", "/loki/api/v1/push", "application/x-protobuf", loki);
    await amqpRun();

    const rate = (ms: number | null) => (ms === null ? "–" : `${Math.round((RECORDS / ms) * 1000)}`);
    const amqpMs = (runs[0]!.storedMs + runs[3]!.storedMs) / 2;
    const rows = [runs[0]!, runs[3]!, runs[1]!, runs[2]!].map(
      (r) =>
        `| ${r.path} | ${rate(r.acceptedMs)} | ${rate(r.storedMs)} | ${(amqpMs / r.storedMs).toFixed(2)}× |`,
    );
    const lines = [
      `## Shippers: records/s through OTLP/HTTP and Loki push against AMQP — ${stamp()}`,
      "",
      `Command: \`npm run bench:shippers -- --records ${RECORDS} --batch ${BATCH} --concurrency ${CONCURRENCY}\``,
      `Machine: ${machine()}`,
      "",
      `${RECORDS} records per path, each into its own index, through the production web app, the collector process and searchd; HTTP bodies of ${BATCH} records, ${CONCURRENCY} requests in flight, encoded before the clock starts. Accepted: first request to last answer (decoding, mapping, confirmed publishing). Stored: until the engine holds every record. Against AMQP: the mean of the two AMQP runs' stored time over this path's.`,
      "",
      "| path | accepted, records/s | stored, records/s | stored rate / AMQP's |",
      "| --- | --- | --- | --- |",
      ...rows,
      "",
    ];
    console.log(lines.join("\n"));
    if (!args["no-write"]) await prependSection(lines);
  } finally {
    await stack.stop();
  }
}

runBench(main);
