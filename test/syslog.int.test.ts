/**
 * The syslog listener, written to by the senders people run: util-linux's `logger` in each of its formats and
 * framings, and rsyslog forwarding with omfwd. Every message goes through the broker and the collector into the
 * engine, and is counted where a user reads it (the grep API). The listener reaches RabbitMQ through a TCP proxy
 * (test/tcp-proxy.ts), which one test takes down while lines arrive: they must all arrive once it is back.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as grep } from "@/app/api/grep/[logger]/route";
import type { LoggerIndex } from "@/db/schema";
import { Collector } from "@/lib/collector/collector";
import { freePort } from "@/lib/engine/searchd-supervisor";
import type { GrepResult, LogRecord } from "@/lib/query/wire";
import { parseSyslogEnv } from "@/lib/syslog/env";
import { SyslogListener } from "@/lib/syslog/syslog-listener";
import { apiRequest, collectorEnv, createTestIndex, dropTestIndex, engineCount, waitFor } from "./helpers";
import { startWorker } from "./faults/worker-process";
import { startTcpProxy, targetOf, type TcpProxy } from "./tcp-proxy";

const run = promisify(execFile);
const HOST = os.hostname();

/** `logger` sending each line of `lines` as one message. */
async function logger(args: string[], lines: string[]): Promise<void> {
  const child = execFile("logger", args);
  child.stdin!.end(lines.join("\n") + "\n");
  const [code] = (await once(child, "exit")) as [number];
  if (code !== 0) throw new Error(`logger ${args.join(" ")} exited ${code}`);
}

/** Every record of an index, through the grep API. */
async function recordsOf(index: LoggerIndex, n: number): Promise<LogRecord[]> {
  await waitFor(`${n} records in ${index.name}`, async () => (await engineCount(index.name)) >= n, 60_000);
  // Anything arriving late would be a message stored twice.
  await new Promise((r) => setTimeout(r, 700));
  const all: LogRecord[] = [];
  let before: string | null = null;
  do {
    const res = await grep(
      await apiRequest(`/api/grep/${index.name}?limit=1000${before ? `&before=${before}` : ""}`),
      { params: Promise.resolve({ logger: index.name }) },
    );
    const page = (await res.json()) as GrepResult;
    all.push(...page.records);
    before = page.cursors.older;
  } while (before);
  return all;
}

const numbered = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix} line ${i}`);
const sortedMessages = (records: LogRecord[]) => records.map((r) => r.message).sort();

describe("syslog listener, with logger and rsyslog", () => {
  let proxy: TcpProxy;
  let collector: Collector;
  let listener: SyslogListener;
  let port: number;
  let index: LoggerIndex;
  let routed: LoggerIndex;
  const logs: string[] = [];
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "alco-syslog-"));
    index = await createTestIndex();
    routed = await createTestIndex();
    proxy = await startTcpProxy(targetOf(process.env.AMQP_URL!, 5672));
    collector = new Collector(collectorEnv(), { log: () => undefined });
    await collector.start();
    const env = parseSyslogEnv({
      ...process.env,
      AMQP_URL: proxy.url(process.env.AMQP_URL!),
      SYSLOG_PORT: "0",
      SYSLOG_HOST: "127.0.0.1",
      SYSLOG_INDEX: index.name,
      SYSLOG_APP_INDEXES: `routed-app=${routed.name},gone-app=no_such_index`,
    });
    listener = new SyslogListener(env, { log: (l) => logs.push(l) });
    ({ tcpPort: port } = (await listener.start()) as { tcpPort: number });
  });
  afterAll(async () => {
    await listener?.stop();
    await collector?.stop();
    await proxy?.close();
    for (const i of [index, routed]) if (i) await dropTestIndex(i);
    await rm(tmp, { recursive: true, force: true });
  });

  /** Sends with logger, then reads back what arrived in the index, each message once. */
  async function sendAndRead(target: LoggerIndex, args: string[], lines: string[]) {
    const before = await engineCount(target.name);
    await logger([...args, "-n", "127.0.0.1", "-P", String(port)], lines);
    const got = await recordsOf(target, before + lines.length);
    expect(got).toHaveLength(before + lines.length);
    return got.filter((r) => lines.includes(r.message));
  }

  it("stores RFC 5424 over TCP with its severity, facility, app, host, time and structured data", async () => {
    const lines = numbered("5424 tcp", 300);
    const sentAt = Date.now();
    const got = await sendAndRead(
      index,
      [
        "--tcp",
        "--rfc5424",
        "-t",
        "billing",
        "-p",
        "local3.warning",
        "--sd-id",
        "zoo@123",
        "--sd-param",
        'tiger="hungry"',
      ],
      lines,
    );
    expect(sortedMessages(got)).toEqual([...lines].sort());
    const r = got[0]!;
    expect(r).toMatchObject({ level: "warn", logger: "billing", host: HOST });
    expect(r.fields).toMatchObject({
      facility: "local3",
      severity: "warning",
      sd: { "zoo@123": { tiger: "hungry" }, timeQuality: { tzKnown: "1" } },
    });
    expect(Math.abs(r.ts - sentAt)).toBeLessThan(60_000);
  });

  it("stores RFC 5424 octet-counted, and RFC 3164 over TCP and UDP", async () => {
    const oc = numbered("octet counted", 200);
    expect(
      sortedMessages(await sendAndRead(index, ["--tcp", "--octet-count", "--rfc5424", "-t", "oc"], oc)),
    ).toEqual([...oc].sort());
    const bsd = numbered("3164 tcp", 200);
    const got = await sendAndRead(index, ["--tcp", "--rfc3164", "-t", "cron", "-i", "-p", "cron.err"], bsd);
    expect(sortedMessages(got)).toEqual([...bsd].sort());
    expect(got[0]).toMatchObject({ level: "error", logger: "cron", host: HOST });
    expect(got[0]!.fields).toMatchObject({
      facility: "cron",
      procid: expect.stringMatching(/^\d+$/) as string,
    });
    // Loopback UDP loses nothing at this rate; a lost datagram would be UDP's, and fail this test.
    const udp = numbered("3164 udp", 100);
    expect(sortedMessages(await sendAndRead(index, ["--udp", "--rfc3164", "-t", "udpapp"], udp))).toEqual(
      [...udp].sort(),
    );
  });

  it("sends an app's messages to the index SYSLOG_APP_INDEXES names, and falls back when it does not exist", async () => {
    const lines = numbered("routed", 20);
    expect(
      sortedMessages(await sendAndRead(routed, ["--tcp", "--rfc5424", "-t", "routed-app"], lines)),
    ).toEqual([...lines].sort());
    const orphan = ["to an index that is not there"];
    expect(
      sortedMessages(await sendAndRead(index, ["--tcp", "--rfc5424", "-t", "gone-app"], orphan)),
    ).toEqual(orphan);
    expect(logs.some((l) => /no_such_index, which does not exist/.test(l))).toBe(true);
  });

  it("skips garbage with its reason and goes on reading the same connection", async () => {
    const before = listener.stats.malformed;
    const socket = net.connect(port, "127.0.0.1");
    await once(socket, "connect");
    socket.write('<999>1 - - - - - - bad pri\n<13>1 - h a - - [unclosed x="1" after bad sd\n');
    socket.write(Buffer.from([0xff, 0xfe, 0x0a]));
    socket.end("<14>1 - h garbage-test - - - still read\n");
    await once(socket, "close");
    const got = await recordsOf(index, (await engineCount(index.name)) + 2);
    expect(got.map((r) => r.message)).toContain("still read");
    expect(got.map((r) => r.message)).toContain("\uFFFD\uFFFD");
    expect(listener.stats.malformed - before).toBe(2);
    expect(logs.some((l) => /malformed message from 127\.0\.0\.1 skipped \(PRI <999>/.test(l))).toBe(true);
  });

  /** rsyslogd in the foreground with its own config: an imtcp input forwarded to the listener by omfwd. */
  async function startRsyslog(
    name: string,
    action: string,
    opts: { port?: number; global?: string } = {},
  ): Promise<{ inputPort: number; stop: () => Promise<void> }> {
    const inputPort = await freePort();
    const dir = path.join(tmp, name);
    await run("mkdir", ["-p", dir]);
    const conf = path.join(dir, "rsyslog.conf");
    await writeFile(
      conf,
      [
        `global(workDirectory="${dir}" ${opts.global ?? ""})`,
        'module(load="imtcp")',
        `input(type="imtcp" address="127.0.0.1" port="${inputPort}" ruleset="forward")`,
        `ruleset(name="forward") {`,
        `  action(type="omfwd" target="127.0.0.1" port="${opts.port ?? port}" protocol="tcp" ${action}`,
        '         action.resumeRetryCount="-1" action.resumeInterval="1" queue.type="LinkedList")',
        "}",
      ].join("\n"),
    );
    const child: ChildProcess = spawn("rsyslogd", ["-n", "-f", conf, "-i", path.join(dir, "rsyslogd.pid")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output: string[] = [];
    child.stdout!.on("data", (b: Buffer) => output.push(b.toString()));
    child.stderr!.on("data", (b: Buffer) => output.push(b.toString()));
    await waitFor(
      `rsyslogd listening on ${inputPort}`,
      () =>
        new Promise<boolean>((resolve) => {
          if (child.exitCode !== null) throw new Error(`rsyslogd exited: ${output.join("")}`);
          const s = net.connect(inputPort, "127.0.0.1");
          s.once("connect", () => (s.destroy(), resolve(true)));
          s.once("error", () => resolve(false));
        }),
    );
    return {
      inputPort,
      stop: async () => {
        if (child.exitCode !== null) return;
        child.kill("SIGTERM");
        await once(child, "exit");
      },
    };
  }

  it("stores what rsyslog forwards with omfwd, RFC 5424 octet-counted and the traditional format", async () => {
    const lines5424 = numbered("rsyslog 5424", 200);
    const linesBsd = numbered("rsyslog traditional", 200);
    const syslog5424 = await startRsyslog(
      "protocol23",
      'template="RSYSLOG_SyslogProtocol23Format" TCP_Framing="octet-counted"',
    );
    const traditional = await startRsyslog("traditional", 'template="RSYSLOG_TraditionalForwardFormat"');
    try {
      const before = await engineCount(index.name);
      await logger(
        ["--tcp", "--rfc5424", "-t", "viarsyslog", "-n", "127.0.0.1", "-P", String(syslog5424.inputPort)],
        lines5424,
      );
      await logger(
        ["--tcp", "--rfc3164", "-t", "viarsyslog", "-n", "127.0.0.1", "-P", String(traditional.inputPort)],
        linesBsd,
      );
      const got = (await recordsOf(index, before + 400)).filter((r) => r.logger === "viarsyslog");
      expect(await engineCount(index.name)).toBe(before + 400);
      expect(sortedMessages(got)).toEqual([...lines5424, ...linesBsd].sort());
      for (const r of got) expect(r.host).toBe(HOST);
    } finally {
      await syslog5424.stop();
      await traditional.stop();
    }
  });

  it("holds a TCP sender while the broker is away and stores every line once it is back", async () => {
    const before = await engineCount(index.name);
    const lines = numbered("during outage", 300);
    const relay = await startRsyslog(
      "outage",
      'template="RSYSLOG_SyslogProtocol23Format" TCP_Framing="octet-counted"',
    );
    try {
      await proxy.down();
      const downAt = Date.now();
      await logger(
        ["--tcp", "--rfc5424", "-t", "outage", "-n", "127.0.0.1", "-P", String(port)],
        lines.slice(0, 150),
      );
      await logger(
        ["--tcp", "--rfc5424", "-t", "outage", "-n", "127.0.0.1", "-P", String(relay.inputPort)],
        lines.slice(150),
      );
      await new Promise((r) => setTimeout(r, Math.max(0, 3000 - (Date.now() - downAt))));
      expect(await engineCount(index.name)).toBe(before);
      expect(logs.some((l) => /cannot reach the broker|attempt 1 failed/.test(l))).toBe(true);
      await proxy.up();
      const got = (await recordsOf(index, before + lines.length)).filter((r) => r.logger === "outage");
      expect(await engineCount(index.name)).toBe(before + lines.length);
      expect(sortedMessages(got)).toEqual([...lines].sort());
    } finally {
      await proxy.up();
      await relay.stop();
    }
  });
  it("takes RFC 5425 TLS from rsyslog's gtls driver when given a certificate", async () => {
    const dir = path.join(tmp, "tls");
    await run("mkdir", ["-p", dir]);
    const [cert, key] = [path.join(dir, "cert.pem"), path.join(dir, "key.pem")];
    await run("openssl", [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"],
      ...["-keyout", key, "-out", cert],
    ]);
    const tlsListener = new SyslogListener(
      parseSyslogEnv({
        ...process.env,
        SYSLOG_PORT: "0",
        SYSLOG_UDP: "false",
        SYSLOG_INDEX: index.name,
        SYSLOG_TLS_CERT: cert,
        SYSLOG_TLS_KEY: key,
      }),
      { log: (l) => logs.push(l) },
    );
    const { tcpPort } = await tlsListener.start();
    const relay = await startRsyslog(
      "tls",
      'template="RSYSLOG_SyslogProtocol23Format" TCP_Framing="octet-counted" StreamDriver="gtls" ' +
        'StreamDriverMode="1" StreamDriverAuthMode="anon"',
      { port: tcpPort, global: `defaultNetstreamDriverCAFile="${cert}"` },
    );
    try {
      const before = await engineCount(index.name);
      const lines = numbered("over tls", 100);
      await logger(
        ["--tcp", "--rfc5424", "-t", "tlsapp", "-n", "127.0.0.1", "-P", String(relay.inputPort)],
        lines,
      );
      const got = (await recordsOf(index, before + lines.length)).filter((r) => r.logger === "tlsapp");
      expect(sortedMessages(got)).toEqual([...lines].sort());
      // Plain TCP on the TLS port is refused, not read as syslog.
      const plain = net.connect(tcpPort!, "127.0.0.1");
      plain.on("error", () => undefined);
      plain.end("<13>1 - h plain - - - not over tls\n");
      await once(plain, "close");
      await new Promise((r) => setTimeout(r, 500));
      expect(await engineCount(index.name)).toBe(before + lines.length);
    } finally {
      await relay.stop();
      await tlsListener.stop();
    }
  });
  it("runs as its own process (workers/syslog.ts), listening where SYSLOG_PORT and SYSLOG_HOST say", async () => {
    const workerPort = await freePort();
    const worker = startWorker("workers/syslog.ts", [], {
      SYSLOG_PORT: String(workerPort),
      SYSLOG_HOST: "127.0.0.1",
      SYSLOG_INDEX: index.name,
    });
    try {
      const listening = `listening on 127.0.0.1 (TCP ${workerPort}, UDP ${workerPort})`;
      await waitFor("the worker listening", () =>
        Promise.resolve(worker.lines.some((l) => l.text.includes(listening))),
      );
      const before = await engineCount(index.name);
      const lines = numbered("from the worker", 50);
      await logger(
        ["--tcp", "--rfc5424", "-t", "worker", "-n", "127.0.0.1", "-P", String(workerPort)],
        lines,
      );
      const got = (await recordsOf(index, before + lines.length)).filter((r) => r.logger === "worker");
      expect(sortedMessages(got)).toEqual([...lines].sort());
    } finally {
      await worker.stop();
    }
  });
});
