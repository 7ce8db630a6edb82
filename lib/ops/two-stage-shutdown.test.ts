import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const fixture = path.resolve(import.meta.dirname, "../../test/fixtures/shutdown-worker.ts");

type Worker = {
  child: ChildProcess;
  output: () => string;
  /** Resolves once the output holds `text`; rejects if the worker exits first. */
  said: (text: string) => Promise<void>;
  exited: Promise<number | null>;
  tell: (line: string) => void;
};

/** The fixture worker in a process of its own, so that its signals and exits are real ones. */
async function startWorker(env: Record<string, string> = {}): Promise<Worker> {
  const child = spawn(process.execPath, ["--import", "tsx", fixture], {
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  const waiters: (() => void)[] = [];
  const collect = (b: Buffer) => {
    out += b.toString();
    for (const w of waiters) w();
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const said = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => out.includes(text) && resolve();
      waiters.push(check);
      check();
      void exited.then(() => {
        check();
        reject(new Error(`worker exited without saying "${text}":\n${out}`));
      });
    });
  const worker = {
    child,
    output: () => out,
    said,
    exited,
    tell: (line: string) => child.stdin.write(`${line}\n`),
  };
  await said("ready");
  return worker;
}

const count = (text: string, of: string) => of.split(text).length - 1;

// Each test starts a Node process with a TypeScript loader: seconds on a busy machine.
describe("onTwoStageShutdown", { timeout: 60_000 }, () => {
  it.each(["SIGTERM", "SIGINT", "SIGHUP"] as const)(
    "the first %s runs the graceful stop once and exits 0 when it is done",
    async (sig) => {
      const w = await startWorker();
      w.child.kill(sig);
      await w.said("stop started");
      w.tell("finish");
      expect(await w.exited).toBe(0);
      expect(w.output()).toContain(`[fixture] ${sig}: finishing in-flight work (send again to force)`);
      expect(count("stop started", w.output())).toBe(1);
      expect(w.output()).not.toContain("abandoned");
    },
  );

  it("a second signal during the stop abandons it and exits 1 at once", async () => {
    const w = await startWorker();
    w.child.kill("SIGTERM");
    await w.said("stop started");
    w.child.kill("SIGINT");
    expect(await w.exited).toBe(1);
    expect(w.output()).toContain("abandoned");
    expect(w.output()).toContain("[fixture] SIGINT again: exiting now (2 batches unacked)");
  });

  it("a stop still running when the grace time is over is abandoned, exit 1", async () => {
    const w = await startWorker({ GRACE_MS: "100" });
    w.child.kill("SIGTERM");
    expect(await w.exited).toBe(1);
    expect(w.output()).toContain("stop started");
    expect(w.output()).toContain("[fixture] still stopping after 0.1 s: exiting now (2 batches unacked)");
  });

  it("a stop that fails exits 1 with its error", async () => {
    const w = await startWorker();
    w.child.kill("SIGTERM");
    await w.said("stop started");
    w.tell("fail");
    expect(await w.exited).toBe(1);
    expect(w.output()).toContain("flush failed");
    expect(w.output()).not.toContain("abandoned");
  });

  it("called twice, it returns one promise, stops once and exits with the code asked for", async () => {
    const w = await startWorker();
    w.tell("shutdown");
    await w.said("stop started");
    w.tell("finish");
    expect(await w.exited).toBe(3);
    expect(w.output()).toContain("same promise: true");
    expect(count("stop started", w.output())).toBe(1);
  });

  it("a signal after the worker began stopping on its own forces the exit", async () => {
    const w = await startWorker();
    w.tell("shutdown");
    await w.said("stop started");
    w.child.kill("SIGTERM");
    expect(await w.exited).toBe(1);
    expect(w.output()).toContain("[fixture] SIGTERM again: exiting now (2 batches unacked)");
  });
});
