/**
 * Runs one searchd: its own data dir, port and generated config. searchd's watchdog does not restart a worker
 * killed with SIGKILL (the whole daemon goes down, DESIGN.md), so this process is the watchdog: it runs searchd in
 * the foreground and restarts it with bounded backoff. Config changes are applied with SIGHUP, never a restart.
 * The binary's banner says which engine it is (Sphinx 2.2 or Manticore) before the first config is written,
 * because each refuses or warns about the other's directives.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdir, readFile, rename, rm, writeFile, readdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { backoffDelay, RECONNECT_BACKOFF } from "@/lib/retry/backoff-delay";
import { createEngine, type Engine } from "./engine-client";
import { renderSearchdConfig, type EngineIndexSpec } from "./searchd-config";
import {
  BANNER_ARGS,
  HEALTH_TABLE,
  addOrderColumnSql,
  describeTableSql,
  flavorFromBanner,
  lacksOrderColumn,
  type EngineFlavor,
} from "./sphinxql-dialect";

export type SupervisorOptions = {
  dataDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  binary?: string;
  /** The engine the binary is; by default read from its banner. */
  flavor?: EngineFlavor;
  /**
   * How long a starting searchd may take to serve its tables. A restart replays the binlog first, which can take
   * minutes after a crash under load; giving up restarts it, and the replay, from the beginning.
   */
  startTimeoutMs?: number;
  /**
   * How long a stopping searchd may take to save its RAM chunks before it is killed (the binlog replays whatever
   * a kill lost). Whatever stops this process must wait longer than this.
   */
  stopTimeoutMs?: number;
  log?: (line: string) => void;
};

/** Which engine a searchd binary is, from the banner it prints. */
export async function binaryFlavor(binary: string): Promise<EngineFlavor> {
  const output = await new Promise<string>((resolve, reject) => {
    execFile(binary, [...BANNER_ARGS], { timeout: 10_000 }, (err, stdout, stderr) => {
      // The banner is what matters, whatever the exit status.
      if (err && !stdout) reject(new Error(`cannot run ${binary}: ${err.message}`));
      else resolve(`${stdout}\n${stderr}`);
    });
  });
  return flavorFromBanner(output);
}

export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SearchdSupervisor {
  readonly dataDir: string;
  readonly host: string;
  port = 0;
  private readonly binary: string;
  private flavor: EngineFlavor | undefined;
  private readonly startTimeoutMs: number;
  private readonly stopTimeoutMs: number;
  private readonly log: (line: string) => void;
  private child: ChildProcess | null = null;
  private stopping: Promise<void> | null = null;
  private restarts = 0;
  private indexes: EngineIndexSpec[] = [];
  private renderedTables: string[] = [];
  private renderedDistributed: string[] = [];
  private probe: Engine | null = null;

  constructor(opts: SupervisorOptions) {
    this.dataDir = path.resolve(opts.dataDir);
    this.host = opts.host ?? "127.0.0.1";
    this.port = opts.port ?? 0;
    this.binary = opts.binary ?? "searchd";
    this.flavor = opts.flavor;
    this.startTimeoutMs = opts.startTimeoutMs ?? 30_000;
    this.stopTimeoutMs = opts.stopTimeoutMs ?? 10_000;
    this.log = opts.log ?? ((l) => console.log(`[searchd] ${l}`));
  }

  get configPath(): string {
    return path.join(this.dataDir, "searchd.conf");
  }

  get address() {
    return { host: this.host, port: this.port };
  }

  /** Daily tables the current config declares, oldest first per index. */
  get tables(): readonly string[] {
    return this.renderedTables;
  }

  private get served(): string[] {
    return [...this.renderedTables, ...this.renderedDistributed];
  }

  async start(indexes: EngineIndexSpec[], nowMs = Date.now()): Promise<void> {
    await mkdir(this.dataDir, { recursive: true });
    if (this.port === 0) this.port = await freePort(this.host);
    this.flavor ??= await binaryFlavor(this.binary);
    this.indexes = indexes;
    await this.writeConfig(nowMs);
    await this.spawnAndWait();
    await this.upgradeTables(this.renderedTables);
  }

  /**
   * Applies a new set of indexes (or a new day): rewrites the config and reloads searchd if the config changed,
   * waits until the new tables are served, then deletes the files of tables no longer declared.
   * Returns whether anything changed.
   */
  async apply(indexes: EngineIndexSpec[], nowMs = Date.now()): Promise<boolean> {
    this.indexes = indexes;
    const before = new Set(this.served);
    if (!(await this.writeConfig(nowMs))) return false;
    this.child?.kill("SIGHUP");
    const want = new Set(this.served);
    await this.waitUntil(
      (served) =>
        [...want].every((t) => served.has(t)) &&
        [...served].every((t) => t === HEALTH_TABLE || want.has(t) || !before.has(t)),
      15_000,
    );
    await this.removeFilesOf([...before].filter((t) => !want.has(t)));
    return true;
  }

  async stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.probe?.close().catch(() => undefined);
      const child = this.child;
      // A searchd killed by a signal has no exit code, only a signal code; its exit event has already fired.
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), this.stopTimeoutMs);
      await exited;
      clearTimeout(timer);
    })();
    return this.stopping;
  }

  /** The engine the binary is, once start() has read its banner. */
  get engineFlavor(): EngineFlavor | undefined {
    return this.flavor;
  }

  /** For fault tests and the dev stack: the current searchd process id. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private async writeConfig(nowMs: number): Promise<boolean> {
    if (!this.flavor) throw new Error("searchd supervisor: apply() before start()");
    const { text, tables, distributed } = renderSearchdConfig(
      { flavor: this.flavor, dataDir: this.dataDir, host: this.host, port: this.port },
      this.indexes,
      nowMs,
    );
    const current = await readFile(this.configPath, "utf8").catch(() => "");
    this.renderedTables = tables;
    this.renderedDistributed = distributed;
    if (current === text) return false;
    const tmp = `${this.configPath}.tmp`;
    await writeFile(tmp, text);
    await rename(tmp, this.configPath);
    return true;
  }

  private async spawnAndWait(): Promise<void> {
    const child = spawn(this.binary, ["--config", this.configPath, "--nodetach"], {
      cwd: this.dataDir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    const forward = (buf: Buffer) => {
      for (const line of buf.toString().split("\n"))
        if (/FATAL|ERROR|WARNING/.test(line)) this.log(line.trim());
    };
    child.stdout?.on("data", forward);
    child.stderr?.on("data", forward);
    child.once("exit", (code, signal) => {
      if (this.stopping || this.child !== child) return;
      this.restarts++;
      const delay = backoffDelay(this.restarts, RECONNECT_BACKOFF);
      this.log(`searchd exited (code ${code}, signal ${signal}); restart ${this.restarts} in ${delay} ms`);
      setTimeout(() => {
        if (this.stopping) return;
        this.spawnAndWait().then(
          () => (this.restarts = 0),
          (err: unknown) => this.log(`restart failed: ${String(err)}`),
        );
      }, delay);
    });
    await this.waitUntil((served) => this.served.every((t) => served.has(t)), this.startTimeoutMs, child);
  }

  private async waitUntil(
    ok: (served: Set<string>) => boolean | Promise<boolean>,
    timeoutMs: number,
    child?: ChildProcess,
  ) {
    this.probe ??= createEngine(this.address, { connections: 1 });
    const deadline = Date.now() + timeoutMs;
    let lastErr: unknown = null;
    while (Date.now() < deadline) {
      if (child && child.exitCode !== null)
        throw new Error(`searchd exited with code ${child.exitCode} (see ${this.dataDir}/searchd.log)`);
      try {
        if (await ok(await this.probe.tables())) return;
      } catch (err) {
        lastErr = err;
      }
      await sleep(100);
    }
    throw new Error(
      `searchd not ready after ${timeoutMs} ms: ${lastErr instanceof Error ? lastErr.message : "tables missing"}`,
    );
  }

  /**
   * Gives tables written before the `seq` column existed that column (sphinxql-dialect's describeTableSql has
   * why), at start: every table declared later by a reload is new and takes its schema from the config, which
   * has the column. After the first start this costs one DESCRIBE per table.
   */
  private async upgradeTables(tables: readonly string[]): Promise<void> {
    const probe = (this.probe ??= createEngine(this.address, { connections: 1 }));
    for (const t of tables) {
      if (!lacksOrderColumn(await probe.query<Record<string, unknown>>(describeTableSql(t)))) continue;
      await probe.query(addOrderColumnSql(t));
      this.log(`added the seq column to ${t} (written before lines were ordered by it; its rows read seq 0)`);
    }
  }

  private async removeFilesOf(tables: string[]): Promise<void> {
    if (tables.length === 0) return;
    const files = await readdir(this.dataDir);
    const prefixes = tables.map((t) => `${t}.`);
    await Promise.all(
      files
        .filter((f) => prefixes.some((p) => f.startsWith(p)))
        .map((f) => rm(path.join(this.dataDir, f), { force: true })),
    );
    this.log(`removed expired tables: ${tables.join(", ")}`);
  }
}
