/**
 * test/faults/tcp-proxy.ts run in a child process. Needed when the test's own thread may block: pino's
 * `transport.end()` waits synchronously for its worker, whose last words to RabbitMQ go through the proxy, so a
 * proxy in the blocked thread would stall the very close it waits for.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { createInterface } from "node:readline";

export type ProxyProcess = {
  port: number;
  /** `base` (a service URL) pointed at the proxy. */
  url: (base: string) => string;
  down: () => Promise<void>;
  up: () => Promise<void>;
  /** Connections made through the proxy since it started. */
  connections: () => Promise<number>;
  close: () => Promise<void>;
};

export async function startProxyProcess(target: { host: string; port: number }): Promise<ProxyProcess> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(import.meta.dirname, "faultsB-proxy-process.ts"),
      target.host,
      String(target.port),
    ],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout });
  const replies: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  lines.on("line", (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else replies.push(line);
  });
  const exited = once(child, "exit");
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const ready = replies.shift();
      if (ready !== undefined) return resolve(ready);
      const timer = setTimeout(() => reject(new Error("the proxy process did not answer in 10 s")), 10_000);
      waiting.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  const ask = async (command: string) => {
    child.stdin.write(`${command}\n`);
    return next();
  };
  let port: number;
  try {
    port = Number(await next());
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
  return {
    port,
    url: (base) => {
      const u = new URL(base);
      u.hostname = "127.0.0.1";
      u.port = String(port);
      return u.toString();
    },
    down: async () => {
      await ask("down");
    },
    up: async () => {
      await ask("up");
    },
    connections: async () => Number(await ask("connections")),
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      const t = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(t);
    },
  };
}
