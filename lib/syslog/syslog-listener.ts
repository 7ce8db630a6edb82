/**
 * The syslog listener: TCP (or TLS) and UDP sockets whose messages are parsed (syslog-message.ts), given the
 * index their APP-NAME maps to, and published with confirms onto the logs exchange through publishForIndex,
 * the path every record takes (queue, collector, dead-letter rules).
 *
 * Backpressure: a TCP connection is paused while what it sent is being published, and read on only once the
 * broker confirmed it, so a sender that outruns the broker (or writes while it is away) is slowed by TCP itself and
 * keeps its lines in its own queue. A publish that fails is tried again, with backoff, until it succeeds or the
 * process stops. UDP has no way to slow a sender: its messages wait in a bounded queue, and beyond it are dropped
 * and counted.
 *
 * Nothing a sender writes stops the process: a frame that cannot be a message is logged with its reason (at most
 * LOG_BURST lines per LOG_WINDOW_MS, then how many more) and skipped; the connection goes on.
 */
import dgram from "node:dgram";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import net from "node:net";
import tls from "node:tls";
import { setTimeout as sleep } from "node:timers/promises";
import type { ConfirmChannel } from "amqplib";
import { getDb, type Db } from "@/db/client";
import type { LoggerIndex } from "@/db/schema";
import { AmqpConnection, brokerAddress, openChannel } from "@/lib/amqp/amqp-connection";
import { assertLogsExchange, logsExchange } from "@/lib/amqp/topology";
import { AppError } from "@/lib/errors/app-error";
import { requireIndex } from "@/lib/indexes/require-index";
import { publishForIndex } from "@/lib/ingest/publish-for-index";
import { backoffDelay, RECONNECT_BACKOFF } from "@/lib/retry/backoff-delay";
import type { SyslogEnv } from "./env";
import { parseSyslog, syslogRecord } from "./syslog-message";
import { SyslogFramer, trimLf, type Frame } from "./tcp-framing";

/** Datagrams waiting to be published while the broker is slow or away; more are dropped. */
const UDP_QUEUE_LIMIT = 50_000;
const LOG_BURST = 20;
const LOG_WINDOW_MS = 10_000;
/** How long stop() waits for what was read to be published. */
const STOP_WAIT_MS = 10_000;

export type SyslogStats = {
  /** Frames read, good or bad. */
  received: number;
  /** Records confirmed by the broker. */
  published: number;
  malformed: number;
  /** Datagrams dropped because the UDP queue was full. */
  dropped: number;
};

type Incoming = { frame: Frame; peer: string };

export type SyslogListenerOptions = { log?: (line: string) => void };

export class SyslogListener {
  readonly stats: SyslogStats = { received: 0, published: 0, malformed: 0, dropped: 0 };
  private readonly log: (line: string) => void;
  private readonly db: Db;
  private readonly amqp: AmqpConnection<ConfirmChannel>;
  private tcp: net.Server | null = null;
  private udp: dgram.Socket | null = null;
  private readonly sockets = new Set<net.Socket>();
  private readonly inflight = new Set<Promise<void>>();
  private udpQueue: Incoming[] = [];
  private udpFlushing: Promise<void> | null = null;
  private stopping = false;
  private readonly stopped = new AbortController();
  private readonly noted = new Set<string>();
  private logWindow = { start: 0, lines: 0, suppressed: 0 };

  constructor(
    private readonly env: SyslogEnv,
    opts: SyslogListenerOptions = {},
  ) {
    this.log = opts.log ?? ((l) => console.log(`[syslog] ${l}`));
    this.db = getDb(env.DATABASE_URL);
    const exchange = logsExchange(env, this.log);
    this.amqp = new AmqpConnection({
      url: env.AMQP_URL,
      connectionName: "alco syslog",
      signal: this.stopped.signal,
      setup: async (connection) => {
        await assertLogsExchange(connection, exchange);
        // A channel the broker closes (a publish it refused) takes the connection along: one recovery path.
        return openChannel(connection, { confirm: true, closesConnection: true });
      },
      onError: (err) => this.log(`amqp: ${err.message}`),
      onConnected: (link) =>
        this.log(
          `connected to ${brokerAddress(env.AMQP_URL)}${link.attempt > 1 ? ` (attempt ${link.attempt})` : ""}`,
        ),
      onDisconnected: (reason) => this.log(`lost the broker: ${reason.message}`),
      onConnectFailed: (f) =>
        this.log(
          `cannot reach the broker (attempt ${f.attempt}): ${f.error.message}; again in ${f.delayMs} ms`,
        ),
    });
  }

  /** Checks the default index exists, then listens; resolves the ports bound (useful with SYSLOG_PORT=0). */
  async start(): Promise<{ tcpPort?: number; udpPort?: number }> {
    const port = this.env.SYSLOG_PORT;
    if (port === undefined) throw new Error("SYSLOG_PORT is not set");
    try {
      await requireIndex(this.db, this.env.SYSLOG_INDEX);
    } catch (err) {
      if (err instanceof AppError && err.code === "not_found")
        throw new Error(
          `SYSLOG_INDEX: there is no index named ${this.env.SYSLOG_INDEX}; create it (the admin page or ` +
            "POST /api/admin/indexes) or name another",
        );
      const cause = (err as { cause?: Error }).cause?.message ?? (err as Error).message.split("\n")[0];
      throw new Error(`cannot look up SYSLOG_INDEX in PostgreSQL: ${cause}`);
    }
    void this.amqp.connect();
    const host = this.env.SYSLOG_HOST;
    const bound: { tcpPort?: number; udpPort?: number } = {};
    if (this.env.SYSLOG_TCP) {
      const onSocket = (socket: net.Socket) => this.onConnection(socket);
      this.tcp =
        this.env.SYSLOG_TLS_CERT && this.env.SYSLOG_TLS_KEY
          ? tls.createServer(
              { cert: readFileSync(this.env.SYSLOG_TLS_CERT), key: readFileSync(this.env.SYSLOG_TLS_KEY) },
              onSocket,
            )
          : net.createServer(onSocket);
      this.tcp.on("error", (err) => this.log(`tcp: ${err.message}`));
      // A TLS handshake that fails is a sender's problem, not the listener's.
      this.tcp.on("tlsClientError", (err: Error) => this.note(`TLS handshake failed: ${err.message}`));
      this.tcp.listen(port, host);
      await once(this.tcp, "listening");
      bound.tcpPort = (this.tcp.address() as net.AddressInfo).port;
    }
    if (this.env.SYSLOG_UDP) {
      this.udp = dgram.createSocket(net.isIPv6(host) ? "udp6" : "udp4");
      this.udp.on("message", (msg, rinfo) => this.onDatagram(msg, rinfo.address));
      this.udp.on("error", (err) => this.log(`udp: ${err.message}`));
      // The same port number as TCP, as syslog has it; a free TCP port may be taken for UDP, hence not port 0 twice.
      this.udp.bind(port === 0 && bound.tcpPort ? bound.tcpPort : port, host);
      await once(this.udp, "listening");
      bound.udpPort = this.udp.address().port;
    }
    return bound;
  }

  /** Stops listening, publishes what was read (for up to STOP_WAIT_MS), closes the connection. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const closing = this.tcp ? new Promise((r) => this.tcp!.close(r)) : Promise.resolve();
    this.udp?.close();
    for (const s of this.sockets) s.pause();
    const drained = Promise.all([...this.inflight, this.udpFlushing]);
    await Promise.race([drained, sleep(STOP_WAIT_MS)]);
    for (const s of this.sockets) s.destroy();
    this.stopped.abort();
    await this.amqp.close();
    await closing;
  }

  /** Records read and not yet confirmed, for the log line of a forced exit. */
  get pending(): number {
    return this.udpQueue.length + this.inflight.size;
  }

  private onConnection(socket: net.Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    const peer = socket.remoteAddress ?? "";
    const framer = new SyslogFramer(this.env.SYSLOG_MAX_MESSAGE_BYTES);
    let chain: Promise<void> = Promise.resolve();
    let queued = 0;
    const enqueue = (frames: Frame[]) => {
      queued++;
      socket.pause();
      chain = chain
        .then(() => this.handle(frames.map((frame) => ({ frame, peer }))))
        .catch((err: Error) => this.log(`dropped ${frames.length} messages from ${peer}: ${err.message}`))
        .finally(() => {
          if (--queued === 0 && !this.stopping && !socket.destroyed) socket.resume();
        });
      this.track(chain);
    };
    socket.on("data", (chunk: Buffer) => {
      const frames = framer.push(chunk);
      if (frames.length) enqueue(frames);
    });
    socket.on("end", () => {
      const frames = framer.end();
      if (frames.length) enqueue(frames);
    });
    socket.on("error", (err) => this.note(`connection from ${peer}: ${err.message}`));
    socket.on("close", () => this.sockets.delete(socket));
  }

  private onDatagram(msg: Buffer, peer: string): void {
    if (this.udpQueue.length >= UDP_QUEUE_LIMIT) {
      this.stats.dropped++;
      this.throttled(`UDP queue full (${UDP_QUEUE_LIMIT} messages, the broker is slow or away): dropped one`);
      return;
    }
    this.udpQueue.push({ frame: { ok: true, data: trimLf(msg) }, peer });
    this.udpFlushing ??= this.flushUdp().finally(() => (this.udpFlushing = null));
  }

  /** Publishes the queued datagrams in batches of whatever arrived meanwhile, until the queue is empty. */
  private async flushUdp(): Promise<void> {
    // One turn of the event loop gathers a burst into one batch.
    await new Promise((r) => setImmediate(r));
    while (this.udpQueue.length) {
      const batch = this.udpQueue;
      this.udpQueue = [];
      await this.handle(batch).catch((err: Error) =>
        this.log(`dropped ${batch.length} datagrams: ${err.message}`),
      );
    }
  }

  private track(p: Promise<void>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  /** Parses, groups by index, and publishes; resolves once every group is confirmed. */
  private async handle(batch: Incoming[]): Promise<void> {
    const groups = new Map<string, string[]>();
    const now = Date.now();
    for (const { frame, peer } of batch) {
      this.stats.received++;
      if (!frame.ok) {
        this.malformed(frame.reason, peer);
        continue;
      }
      // Invalid UTF-8 becomes U+FFFD rather than losing the line, as the collector does.
      const text = frame.data.toString("utf8");
      if (text.trim() === "") continue;
      const parsed = parseSyslog(text, { timeZone: this.env.SYSLOG_TIMEZONE, now });
      if (!parsed.ok) {
        this.malformed(parsed.reason, peer, text);
        continue;
      }
      const app = parsed.message.appName;
      const target = (app !== undefined && this.env.SYSLOG_APP_INDEXES.get(app)) || this.env.SYSLOG_INDEX;
      const records = groups.get(target) ?? [];
      records.push(JSON.stringify(syslogRecord(parsed.message, peer)));
      groups.set(target, records);
    }
    for (const [name, records] of groups) await this.deliver(name, records);
  }

  /** Publishes until the broker confirms, trying again with backoff; throws only once the listener is closed. */
  private async deliver(indexName: string, records: string[]): Promise<void> {
    for (let failures = 0; ; failures++) {
      const started = Date.now();
      try {
        const index = await this.resolve(indexName);
        const link = await this.amqp.connect();
        if (!link) throw new Error("the listener stopped before the broker confirmed them");
        await publishForIndex(link.state, this.env.AMQP_EXCHANGE, index, records);
        this.stats.published += records.length;
        if (failures > 0)
          this.log(`published ${records.length} messages to ${indexName} after ${failures + 1} attempts`);
        return;
      } catch (err) {
        if (this.stopped.signal.aborted) throw err;
        const delay = backoffDelay(failures, RECONNECT_BACKOFF);
        this.log(
          `publishing ${records.length} messages to ${indexName}, attempt ${failures + 1} failed after ` +
            `${Date.now() - started} ms: ${(err as Error).message}; again in ${delay} ms`,
        );
        await sleep(delay, undefined, { signal: this.stopped.signal }).catch(() => undefined);
      }
    }
  }

  /** The index by the lookup HTTP ingest makes; an app's index that does not exist falls back to the default. */
  private async resolve(name: string): Promise<LoggerIndex> {
    try {
      return await requireIndex(this.db, name);
    } catch (err) {
      if (!(err instanceof AppError && err.code === "not_found")) throw err;
      if (name === this.env.SYSLOG_INDEX)
        throw new Error(`there is no index named ${name} (SYSLOG_INDEX): create it, and the messages go on`);
      this.note(
        `SYSLOG_APP_INDEXES names ${name}, which does not exist: its messages go to ${this.env.SYSLOG_INDEX}`,
      );
      return this.resolve(this.env.SYSLOG_INDEX);
    }
  }

  private malformed(reason: string, peer: string, text?: string): void {
    this.stats.malformed++;
    const sample = text === undefined ? "" : `: ${JSON.stringify(text.slice(0, 120))}`;
    this.throttled(`malformed message from ${peer || "?"} skipped (${reason})${sample}`);
  }

  /** Once per distinct line. */
  private note(line: string): void {
    if (this.noted.has(line)) return;
    if (this.noted.size < 1000) this.noted.add(line);
    this.log(line);
  }

  private throttled(line: string): void {
    const now = Date.now();
    const w = this.logWindow;
    if (now - w.start > LOG_WINDOW_MS) {
      if (w.suppressed) this.log(`(${w.suppressed} more such lines in the last ${LOG_WINDOW_MS / 1000} s)`);
      this.logWindow = { start: now, lines: 0, suppressed: 0 };
    }
    if (this.logWindow.lines++ < LOG_BURST) this.log(line);
    else this.logWindow.suppressed++;
  }
}
