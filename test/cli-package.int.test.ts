/**
 * `@alco/cli` as a user gets it: `npm pack` of packages/cli, `npm install -g` of the tarball into a prefix outside
 * the repository, and the installed `alco` run with nothing but plain Node on the PATH and a bare environment (no
 * tsx, no repository node_modules). Against the production web app on the isolated stack it queries, tails and
 * lists hosts; `alco agent` tails a file into RabbitMQ, and its lines come back from `/api/grep`. The installed
 * tree must hold the agent's own dependencies and none of the web app's.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoggerIndex } from "@/db/schema";
import { Collector } from "@/lib/collector/collector";
import type { GrepResult } from "@/lib/query/wire";
import { buildWorkers } from "./collector-command";
import { ensureWebBuild, startWeb, type Web } from "./web-process";
import {
  collectorEnv,
  createTestIndex,
  createTestToken,
  dropTestIndex,
  engineCount,
  publish,
  uniqueName,
  waitFor,
} from "./helpers";

const root = path.resolve(import.meta.dirname, "..");
const pkgDir = path.join(root, "packages/cli");
const run = promisify(execFile);

/** The web app's libraries (and the repo's TypeScript tooling): none may be installed with the CLI. */
const WEB_ONLY = [
  "next",
  "react",
  "react-dom",
  "drizzle-orm",
  "pg",
  "ioredis",
  "mysql2",
  "server-only",
  "tsx",
];

/** npm's own run-script variables (lower-case npm_*) would reach the inner npm as config: leave them out. */
function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("npm_")),
  ) as NodeJS.ProcessEnv;
}

/** Package names under a node_modules folder, nested ones too. */
async function installedPackages(dir: string): Promise<string[]> {
  const names: string[] = [];
  const visit = async (nm: string) => {
    const entries = await readdir(nm, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith(".")) continue;
      const dirs = e.name.startsWith("@")
        ? (await readdir(path.join(nm, e.name))).map((n) => `${e.name}/${n}`)
        : [e.name];
      for (const name of dirs) {
        names.push(name);
        await visit(path.join(nm, name, "node_modules"));
      }
    }
  };
  await visit(dir);
  return names;
}

type Run = { code: number | null; stdout: string; stderr: string };

const lines = (text: string) => text.split("\n").filter((l) => l !== "");
const utc = (ms: number) => new Date(ms).toISOString().replace("T", " ").replace("Z", "");

describe("@alco/cli installed from its packed tarball", () => {
  let tmp = "";
  let bin = "";
  let installed = "";
  let packedFiles: string[] = [];
  let web: Web | null = null;
  let collector: Collector | null = null;
  let logs: LoggerIndex | null = null;
  let agentIndex: LoggerIndex | null = null;
  let token = "";
  const suffix = uniqueName("p").slice(2);
  const HOST = `pkg-web-${suffix}`;
  const T = Date.now() - 10 * 60_000;
  const seeds = Array.from({ length: 4 }, (_, i) => ({
    ts: T + i * 60_000,
    level: i === 2 ? "error" : "info",
    message: `package order ${i}`,
  }));
  const expectedLine = (s: { ts: number; level: string; message: string }) =>
    `${utc(s.ts)} ${s.level.toUpperCase().padEnd(5)} ${HOST} shop: ${s.message}`;

  /**
   * Only what a production host with Node would have: node's folder and the system's on the PATH, and
   * NODE_ENV=production, under which the agent takes no default broker address.
   */
  const bareEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: [path.dirname(process.execPath), "/usr/bin", "/bin"].join(path.delimiter),
    HOME: tmp,
    TZ: "UTC",
    NODE_ENV: "production",
    ...extra,
  });
  const readEnv = () => bareEnv({ ALCO_URL: web!.baseUrl, ALCO_TOKEN: token });

  function start(
    args: string[],
    env: NodeJS.ProcessEnv,
  ): { child: ChildProcess; output: Run; done: Promise<Run> } {
    const child = spawn(bin, args, { cwd: tmp, env, stdio: ["ignore", "pipe", "pipe"] });
    const output: Run = { code: null, stdout: "", stderr: "" };
    child.stdout.on("data", (b: Buffer) => (output.stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (output.stderr += b.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    const done = new Promise<Run>((resolve) =>
      child.once("close", (code) => {
        clearTimeout(timer);
        output.code = code;
        resolve(output);
      }),
    );
    return { child, output, done };
  }
  const alco = (args: string[], env = readEnv()) => start(args, env).done;

  async function grep(index: string): Promise<GrepResult> {
    const res = await fetch(`${web!.baseUrl}/api/grep/${index}?limit=100`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as GrepResult;
  }

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "alco-cli-package-"));
    const packed = await run("npm", ["pack", "--json", "--pack-destination", tmp], {
      cwd: pkgDir,
      env: npmEnv(),
      maxBuffer: 16 * 1024 * 1024,
    });
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    packedFiles = info!.files.map((f) => f.path).sort();
    const prefix = path.join(tmp, "prefix");
    await run(
      "npm",
      [
        "install",
        "-g",
        "--prefix",
        prefix,
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        path.join(tmp, info!.filename),
      ],
      { cwd: tmp, env: npmEnv() },
    );
    bin = path.join(prefix, "bin/alco");
    installed = path.join(prefix, "lib/node_modules/@alco/cli");

    await ensureWebBuild(() => undefined);
    buildWorkers();
    web = await startWeb({});
    logs = await createTestIndex();
    agentIndex = await createTestIndex();
    collector = new Collector(collectorEnv(), { log: () => undefined });
    await collector.start();
    await publish(
      seeds.map((s, i) => ({
        routingKey: `app.${logs!.name}`,
        body: {
          timestamp: new Date(s.ts).toISOString(),
          message: s.message,
          level: s.level,
          host: HOST,
          logger: "shop",
        },
        options: { messageId: `pkg-${suffix}-${i}` },
      })),
    );
    await waitFor("records stored", async () => (await engineCount(logs!.name)) === seeds.length);
    token = (await createTestToken("read")).token;
  }, 900_000);

  afterAll(async () => {
    await web?.stop();
    await collector?.stop();
    if (logs) await dropTestIndex(logs);
    if (agentIndex) await dropTestIndex(agentIndex);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("ships the bundles and the README, and installs its own dependencies and none of the web app's", async () => {
    expect(packedFiles).toEqual([
      "README.md",
      "dist/agent.mjs",
      "dist/agent.mjs.map",
      "dist/alco.mjs",
      "dist/alco.mjs.map",
      "package.json",
    ]);
    const packages = await installedPackages(path.join(installed, "node_modules"));
    expect(packages).toEqual(expect.arrayContaining(["amqplib", "zod"]));
    expect(packages.filter((p) => WEB_ONLY.includes(p))).toEqual([]);
    expect((await stat(bin)).isFile()).toBe(true);
  });

  it("prints the package's version with --version", async () => {
    const pkg = JSON.parse(await readFile(path.join(pkgDir, "package.json"), "utf8")) as { version: string };
    const out = await alco(["--version"], bareEnv());
    expect(out).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });

  it("queries a logger index", async () => {
    const out = await alco(["query", logs!.name, "--since", "1h"]);
    expect(out.stderr, web!.lines.map((l) => l.text).join("\n")).toBe("");
    expect(out.code).toBe(0);
    expect(lines(out.stdout)).toEqual(seeds.map(expectedLine));
    const errors = await alco(["query", logs!.name, "level:error"]);
    expect(lines(errors.stdout)).toEqual([expectedLine(seeds[2]!)]);
  });

  it("lists the hosts and one host", async () => {
    const all = await alco(["hosts"]);
    expect(all.code).toBe(0);
    expect(lines(all.stdout).map((l) => l.split(/\s{2,}/))).toContainEqual([HOST, utc(seeds[3]!.ts)]);
    const one = await alco(["hosts", HOST, "--json"]);
    expect(one.code).toBe(0);
    expect((JSON.parse(one.stdout) as { host: string }).host).toBe(HOST);
  });

  it("tails the last lines, then a new one, and exits 0 on Ctrl-C", async () => {
    const tail = start(["tail", logs!.name, "-n", "2"], readEnv());
    await waitFor("history printed", () => Promise.resolve(lines(tail.output.stdout).length === 2), 30_000);
    const now = Date.now();
    await publish([
      {
        routingKey: `app.${logs!.name}`,
        body: {
          timestamp: new Date(now).toISOString(),
          message: "fresh package line",
          level: "warn",
          host: HOST,
          logger: "shop",
        },
        options: { messageId: `pkg-${suffix}-live` },
      },
    ]);
    await waitFor(
      "live line printed",
      () => Promise.resolve(tail.output.stdout.includes("fresh package line")),
      30_000,
    );
    tail.child.kill("SIGINT");
    const out = await tail.done;
    expect(out.code).toBe(0);
    expect(lines(out.stdout)).toEqual([
      expectedLine(seeds[2]!),
      expectedLine(seeds[3]!),
      expectedLine({ ts: now, level: "warn", message: "fresh package line" }),
    ]);
  });

  it("runs the agent: a tailed file's lines reach /api/grep, and SIGTERM stops it with exit 0", async () => {
    const dir = await mkdtemp(path.join(tmp, "agent-"));
    const file = path.join(dir, "app.log");
    await writeFile(file, "package agent line 1\npackage agent line 2\n");
    const agentHost = `pkg-agent-${suffix}`;
    const agent = start(
      [
        "agent",
        "--index",
        agentIndex!.name,
        "--logger",
        "pkgapp",
        "--host",
        agentHost,
        "--state",
        path.join(dir, "state.json"),
        "--from-start",
        path.join(dir, "*.log"),
      ],
      bareEnv({ AMQP_URL: process.env.AMQP_URL!, AMQP_EXCHANGE: process.env.AMQP_EXCHANGE! }),
    );
    const messages = async () => (await grep(agentIndex!.name)).records.map((r) => r.message).sort();
    try {
      await waitFor("the file's first lines", async () => (await messages()).length === 2, 60_000);
      await appendFile(file, "package agent line 3\n");
      await waitFor("the appended line", async () => (await messages()).length === 3, 60_000);
    } finally {
      agent.child.kill("SIGTERM");
    }
    const out = await agent.done;
    expect(out.code, out.stdout + out.stderr).toBe(0);
    const records = (await grep(agentIndex!.name)).records;
    expect(records.map((r) => [r.message, r.host, r.logger]).sort()).toEqual(
      [1, 2, 3].map((n) => [`package agent line ${n}`, agentHost, "pkgapp"]),
    );
  });
});
