/**
 * `npm run dev`: the whole stack on one machine. Checks the services (naming any that is down and how to start
 * it), migrates and seeds PostgreSQL, builds the web app for production unless the last build was made from the
 * same source (lib/ops/web-build-cache.ts), then runs searchd (supervised), the collector, the web app, a demo
 * publisher streaming into the `demo` index, the syslog listener (into `syslog`, port 5514) and the alert
 * evaluator as child processes, and prints the URL. Ctrl-C stops them all, one
 * after another; a second Ctrl-C kills them at once.
 *
 * The web app is the production server, as people run it: `next dev` compiles each page on its first visit (about
 * a minute for the reader) and serves it with hot reload, which is for someone editing the app. `--next`
 * (`npm run dev:next`) runs that development server instead, with no build.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { closeDb, getDb } from "@/db/client";
import { ensureDatabase, migrateDatabase } from "@/db/migrate";
import { AmqpConnection } from "@/lib/amqp/amqp-connection";
import { assertIndexQueue, logsExchange } from "@/lib/amqp/topology";
import { createFirstAdmin } from "@/lib/auth/users";
import { envOrExit } from "@/lib/base-env";
import { createIndex } from "@/lib/indexes/logger-indexes";
import { checkServices } from "@/lib/ops/check-services";
import { onTwoStageShutdown } from "@/lib/ops/two-stage-shutdown";
import { parseDevEnv } from "@/lib/ops/dev-env";
import { ensureWebBuild } from "@/lib/ops/web-build-cache";

const env = envOrExit(() => parseDevEnv(process.env));
const nextDev = process.argv.includes("--next");
// Its own build directory: `npm test` rebuilds `.next` for the tree under test, which would pull the build from
// under a stack left running.
const DIST_DIR = ".next-stack";

const CHILD_STOP_MS = 15_000;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const children: ChildProcess[] = [];
const log = (l: string) => console.log(`[dev] ${l}`);

function run(name: string, args: string[], extraEnv: Record<string, string> = {}): ChildProcess {
  const child = spawn(args[0]!, args.slice(1), {
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...extraEnv, SEARCHD_URL: env.SEARCHD_LISTEN },
    stdio: ["ignore", "pipe", "pipe"],
    // Own process group: a terminal's Ctrl-C reaches only this process, which stops the children in order.
    detached: true,
  });
  const prefix = (buf: Buffer) => {
    for (const line of buf.toString().split("\n")) if (line.trim()) console.log(`${name.padEnd(9)}| ${line}`);
  };
  child.stdout.on("data", prefix);
  child.stderr.on("data", prefix);
  child.once("exit", (code, signal) => {
    if (!stopping) {
      log(`${name} exited (code ${code}, signal ${signal}); stopping the stack`);
      void shutdown(1);
    }
  });
  children.push(child);
  return child;
}

/** One run of a command to its end, stopped with the stack if Ctrl-C comes first. */
function runToEnd(name: string, args: string[], extraEnv: Record<string, string>): Promise<void> {
  const child = spawn(args[0]!, args.slice(1), {
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const prefix = (buf: Buffer) => {
    for (const line of buf.toString().split("\n")) if (line.trim()) console.log(`${name.padEnd(9)}| ${line}`);
  };
  child.stdout.on("data", prefix);
  child.stderr.on("data", prefix);
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once("exit", (code, signal) => {
      children.splice(children.indexOf(child), 1);
      if (code === 0) resolve();
      else reject(new Error(`${name} failed (code ${code}, signal ${signal})`));
    });
  });
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

let stopping = false;
const running = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;
const shutdown = onTwoStageShutdown({
  name: "dev",
  signals: ["SIGINT", "SIGTERM"],
  // The six children are stopped in turn, each given CHILD_STOP_MS.
  graceMs: 6 * CHILD_STOP_MS + 5_000,
  stopping: "stopping the stack",
  stop: async () => {
    stopping = true;
    // Producers first, searchd last: the collector must still reach the engine to finish its last batch.
    for (const c of [...children].reverse()) {
      if (!running(c)) continue;
      const exited = new Promise((r) => c.once("exit", r));
      c.kill("SIGTERM");
      const timer = setTimeout(() => c.kill("SIGKILL"), CHILD_STOP_MS);
      await exited;
      clearTimeout(timer);
    }
  },
  abandon: () => {
    // Each child leads its own process group, searchd's own child included: kill the groups, or they outlive us.
    const left = children.filter(running);
    for (const c of left) {
      try {
        process.kill(-c.pid!, "SIGKILL");
      } catch {
        // Exited meanwhile.
      }
    }
    return `${left.length} processes killed`;
  },
});

async function main() {
  const problems = await checkServices({
    database: env.DATABASE_URL.replace(/\/[^/]*$/, "/postgres"),
    redis: env.REDIS_URL,
    amqp: env.AMQP_URL,
  });
  if (problems.length) {
    console.error(`alco needs these services:\n- ${problems.join("\n- ")}`);
    process.exit(1);
  }
  await ensureDatabase(env.DATABASE_URL);
  await migrateDatabase(env.DATABASE_URL);
  const demo = await createIndex(getDb(env.DATABASE_URL), { name: "demo", title: "Demo", retentionDays: 7 });
  // The syslog listener's default index (SYSLOG_INDEX).
  const syslog = await createIndex(getDb(env.DATABASE_URL), {
    name: "syslog",
    title: "Syslog",
    retentionDays: 7,
  });
  // A fresh dev database gets an admin with a random password, shown once here.
  const password = randomBytes(12).toString("base64url");
  const created = await createFirstAdmin(getDb(env.DATABASE_URL), "admin", password);
  await closeDb(env.DATABASE_URL);
  // The queue exists before anything publishes, so no demo line is dropped while the collector starts.
  const broker = new AmqpConnection({ url: env.AMQP_URL });
  const { connection } = await broker.connectOnce();
  for (const index of [demo, syslog]) await assertIndexQueue(connection, logsExchange(env, log), index);
  await broker.close();
  log("PostgreSQL migrated, demo and syslog indexes ready");

  if (!nextDev) {
    await ensureWebBuild({
      root,
      distDir: path.join(root, DIST_DIR),
      build: () =>
        runToEnd("build", [process.execPath, path.join(root, "node_modules/next/dist/bin/next"), "build"], {
          NODE_ENV: "production",
          NEXT_DIST_DIR: DIST_DIR,
        }),
      log,
    });
  }
  if (stopping) return;

  const tsx = [process.execPath, "--import", "tsx"];
  run("searchd", [...tsx, "workers/searchd.ts"], { SEARCHD_DATA_DIR: path.join(root, "tmp/searchd") });
  run("collector", [...tsx, "workers/collector.ts"]);
  if (nextDev) run("web", [...tsx, "workers/web.ts", "--dev"], { PORT: String(env.WEB_PORT) });
  else
    run("web", [...tsx, "workers/web.ts"], {
      PORT: String(env.WEB_PORT),
      NODE_ENV: "production",
      NEXT_DIST_DIR: DIST_DIR,
      // A production server has no default service URLs: these are the ones checked and prepared above.
      DATABASE_URL: env.DATABASE_URL,
      REDIS_URL: env.REDIS_URL,
      AMQP_URL: env.AMQP_URL,
    });
  run("demo", [...tsx, "workers/demo-publisher.ts"], { DEMO_RATE: String(env.DEMO_RATE) });
  run("syslog", [...tsx, "workers/syslog.ts"]);
  run("alerts", [...tsx, "workers/alerts.ts"], { ALCO_PUBLIC_URL: `http://localhost:${env.WEB_PORT}` });

  const url = `http://localhost:${env.WEB_PORT}`;
  await waitForHttp(`${url}/api/grep/demo?limit=1`, 180_000);
  log("");
  log(`alco is up: open ${url}/grep/demo   (indexes: ${url}/, API: ${url}/api/grep/demo?q=error)`);
  log(
    created
      ? `sign in as admin / ${password}   (shown once; change it with: npm run user -- password admin)`
      : "sign in with your user (npm run user -- create <name> --admin makes one)",
  );
  log(`syslog: logger -n 127.0.0.1 -P ${env.SYSLOG_PORT} --tcp hello   (into the syslog index)`);
  log("collector metrics: http://127.0.0.1:9464/metrics   Ctrl-C stops everything");
}

main().catch((err: unknown) => {
  // A build cut short by Ctrl-C fails too, and says nothing new.
  if (!stopping) console.error(`[dev] ${(err as Error).message}`);
  void shutdown(1);
});
