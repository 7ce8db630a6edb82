/**
 * The transports as a user gets them: `npm pack` of @alco/amqp-publisher, @alco/winston-transport and
 * @alco/pino-transport (their prepack builds dist/), the tarballs installed with winston and pino into an app
 * outside this repository, and that app run on plain `node` (no TypeScript loader): an ES module and a CommonJS
 * winston app and a pino app, whose lines then come back from GET /api/grep of the test stack. The app's
 * TypeScript files are checked against the packages' .d.ts, both as ES module and as CommonJS.
 *
 * One install for all three apps: it is the slow part. winston, pino and @types/node come at the versions this
 * repository locks, which npm's cache already holds.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoggerIndex } from "@/db/schema";
import * as alco from "../packages/amqp-publisher/test/alco-harness";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..");
const PACKAGES = ["amqp-publisher", "winston-transport", "pino-transport"];
const LINES = 50;

async function lockedVersion(name: string): Promise<string> {
  const manifest = JSON.parse(
    await readFile(path.join(root, "node_modules", name, "package.json"), "utf8"),
  ) as {
    version: string;
  };
  return `${name}@${manifest.version}`;
}

/** The three apps, each logging LINES lines marked with MARK to the logger index LOGGER. */
const APPS = {
  "winston-esm.mjs": `
import { once } from "node:events";
import winston from "winston";
import { AlcoTransport } from "@alco/winston-transport";

const { AMQP_URL: url, AMQP_EXCHANGE: exchange, LOGGER: logger, MARK: mark } = process.env;
const log = winston.createLogger({ transports: [new AlcoTransport({ url, exchange, logger })] });
for (let n = 0; n < ${LINES}; n++) log.info(mark + " winston esm line " + n, { n, app: "winston-esm" });
log.end();
await once(log, "finish");
`,
  "winston-cjs.cjs": `
const winston = require("winston");
const { AlcoTransport } = require("@alco/winston-transport");

const { AMQP_URL: url, AMQP_EXCHANGE: exchange, LOGGER: logger, MARK: mark } = process.env;
const log = winston.createLogger({ transports: [new AlcoTransport({ url, exchange, logger })] });
for (let n = 0; n < ${LINES}; n++) log.info(mark + " winston cjs line " + n, { n, app: "winston-cjs" });
log.end();
`,
  // By the package's name (pino resolves it with require: the CommonJS build), ended by the app; and by the file
  // path of its ES module build, ended by pino's own exit hook. Either way the worker flushes before the exit.
  "pino.mjs": `
import { fileURLToPath } from "node:url";
import pino from "pino";

const { AMQP_URL: url, AMQP_EXCHANGE: exchange, LOGGER: logger, MARK: mark } = process.env;
const options = { url, exchange, logger };
const byName = pino.transport({ target: "@alco/pino-transport", options });
const byPath = pino.transport({ target: fileURLToPath(import.meta.resolve("@alco/pino-transport")), options });
const [named, pathed] = [pino(byName), pino(byPath)];
for (let n = 0; n < ${LINES}; n++) {
  named.info({ n, via: "name" }, mark + " pino by name line " + n);
  pathed.info({ n, via: "path" }, mark + " pino by path line " + n);
}
byName.end();
`,
  "types.mts": `
import winston from "winston";
import { AmqpPublisher, type PublisherStats } from "@alco/amqp-publisher";
import alcoPinoTransport, { type AlcoPinoTransportOptions } from "@alco/pino-transport";
import { AlcoTransport, type AlcoTransportOptions } from "@alco/winston-transport";

const options: AlcoTransportOptions = { url: "amqp://localhost", logger: "billing", level: "info" };
const logger = winston.createLogger({ transports: [new AlcoTransport(options)] });
const stats: PublisherStats = new AmqpPublisher({ url: "amqp://localhost", logger: "billing" }).stats();
const pinoOptions: AlcoPinoTransportOptions = { url: "amqp://localhost", logger: "billing" };
// @ts-expect-error the logger option is required: the types are the package's, not any
new AlcoTransport({ url: "amqp://localhost" });
export const used = [logger, stats.buffered satisfies number, alcoPinoTransport(pinoOptions)];
`,
  "types.cts": `
import winston = require("winston");
import { AlcoTransport } from "@alco/winston-transport";
import alcoPinoTransport = require("@alco/pino-transport");

const logger = winston.createLogger({ transports: [new AlcoTransport({ url: "amqp://localhost", logger: "b" })] });
// @ts-expect-error the logger option is required: the types are the package's, not any
new AlcoTransport({ url: "amqp://localhost" });
export const used = [logger, alcoPinoTransport.default, alcoPinoTransport.pinoRecord];
`,
  "tsconfig.json": JSON.stringify({
    compilerOptions: { module: "nodenext", strict: true, noEmit: true, skipLibCheck: true, types: ["node"] },
    files: ["types.mts", "types.cts"],
  }),
};

describe("the packed packages in an app outside the repository, on plain node", () => {
  const { newIndex } = alco.withCollector();
  let dir = "";
  let app = "";

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "alco-packages-"));
    app = path.join(dir, "app");
    // One npm for the three: each prepack builds its package (and, through tsc -b, the publisher once).
    await run(
      "npm",
      [
        "pack",
        ...PACKAGES.flatMap((p) => ["--workspace", `packages/${p}`]),
        "--pack-destination",
        dir,
        "--loglevel=error",
      ],
      { cwd: root },
    );
    const tarballs = (await readdir(dir)).filter((f) => f.endsWith(".tgz")).map((f) => path.join(dir, f));
    expect(tarballs).toHaveLength(PACKAGES.length);
    await mkdir(app);
    await writeFile(
      path.join(app, "package.json"),
      JSON.stringify({ name: "alco-packages-app", private: true }),
    );
    const registry = await Promise.all(["winston", "pino", "@types/node"].map(lockedVersion));
    await run(
      "npm",
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        ...tarballs,
        ...registry,
      ],
      { cwd: app },
    );
    for (const [file, text] of Object.entries(APPS)) await writeFile(path.join(app, file), text);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("installs only what ships: the built dist/, the README and package.json", async () => {
    for (const name of PACKAGES) {
      const installed = path.join(app, "node_modules/@alco", name);
      expect((await readdir(installed)).sort()).toEqual(["README.md", "dist", "package.json"]);
      expect((await readdir(path.join(installed, "dist"))).sort()).toEqual(["cjs", "esm"]);
    }
  });

  it("runs an ES module and a CommonJS winston app and a pino app whose lines GET /api/grep finds", async () => {
    const indexes = {
      "winston-esm.mjs": await newIndex(),
      "winston-cjs.cjs": await newIndex(),
      "pino.mjs": await newIndex(),
    };
    const mark = `pk${Date.now().toString(36)}`;
    // Only what a user's shell has: no NODE_OPTIONS, no loader.
    const env = (index: LoggerIndex): NodeJS.ProcessEnv => ({
      NODE_ENV: "production",
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AMQP_URL: process.env.AMQP_URL,
      AMQP_EXCHANGE: process.env.AMQP_EXCHANGE,
      LOGGER: index.name,
      MARK: mark,
    });
    await Promise.all(
      Object.entries(indexes).map(([file, index]) =>
        run(process.execPath, [file], { cwd: app, env: env(index), timeout: 30_000 }),
      ),
    );

    const messages = async (index: LoggerIndex, n: number) => {
      await alco.expectIndexed(index.name, n);
      const found = await alco.grep(index.name, { q: mark, limit: "100" });
      return found.records.map((r) => r.message).sort();
    };
    const lines = (what: string) => Array.from({ length: LINES }, (_, n) => `${mark} ${what} line ${n}`);
    expect(await messages(indexes["winston-esm.mjs"], LINES)).toEqual(lines("winston esm").sort());
    expect(await messages(indexes["winston-cjs.cjs"], LINES)).toEqual(lines("winston cjs").sort());
    expect(await messages(indexes["pino.mjs"], 2 * LINES)).toEqual(
      [...lines("pino by name"), ...lines("pino by path")].sort(),
    );
    const pinoFields = (await alco.grep(indexes["pino.mjs"].name, { q: "via:path", limit: "100" })).records;
    expect(pinoFields.map((r) => r.fields.n as number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: LINES }, (_, n) => n),
    );

    // Logged in one loop, mostly within one millisecond: the packed packages send the order they were called in
    // (x-alco-seq), and the newest-first answer is that order reversed, not the ids' order.
    const newestFirst = async (index: LoggerIndex, q: string) =>
      (await alco.grep(index.name, { q, limit: "100" })).records.map((r) => r.message);
    expect(await newestFirst(indexes["winston-esm.mjs"], mark)).toEqual(lines("winston esm").reverse());
    expect(await newestFirst(indexes["winston-cjs.cjs"], mark)).toEqual(lines("winston cjs").reverse());
    expect(await newestFirst(indexes["pino.mjs"], "via:name")).toEqual(lines("pino by name").reverse());
  });

  it("type-checks an ES module and a CommonJS TypeScript app against the packages' .d.ts", async () => {
    const tsc = path.join(root, "node_modules/typescript/bin/tsc");
    // tsc tells its errors on stdout; the rejection's message alone would not show them.
    const errors = await run(process.execPath, [tsc, "-p", app], { cwd: app }).then(
      () => "",
      (err: Error & { stdout?: string }) => err.stdout || err.message,
    );
    expect(errors).toBe("");
  });
});
