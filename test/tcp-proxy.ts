/**
 * A loopback TCP proxy the fault, transport, agent and AMQP connection tests put between a client and a shared service (RabbitMQ, Redis,
 * PostgreSQL) so they can take the service away from that client alone: `down()` drops every open connection and
 * refuses new ones, which is what a client sees when the server restarts or dies; `up()` accepts again on the
 * same port. `mute()` stops passing the server's replies on while the client's bytes still get through, as when
 * confirms are lost with a dying connection. The real service keeps running for everyone else on the machine.
 *
 * `ownProcess` runs the proxy in a child process (this file as its entry point, driven by lines on stdin). A test
 * needs it when its own thread may block: pino's `transport.end()` waits synchronously for its worker, whose last
 * words to RabbitMQ go through the proxy, so a proxy in the blocked thread would stall the very close it waits for.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import net from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

type Target = { host: string; port: number };

/** The host and port of a service URL, `defaultPort` when it names none. */
export function targetOf(url: string, defaultPort: number): Target {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || defaultPort) };
}

export type TcpProxy = {
  /** `127.0.0.1:<port>` of the proxy's listening side. */
  port: number;
  /** `base` (a service URL) pointed at the proxy. */
  url: (base: string) => string;
  down: () => Promise<void>;
  up: () => Promise<void>;
  /** Drops what the server sends from now until the next `down()`. */
  mute: () => Promise<void>;
  close: () => Promise<void>;
};

export async function startTcpProxy(target: Target, opts: { ownProcess?: boolean } = {}): Promise<TcpProxy> {
  const proxy = opts.ownProcess ? await inChildProcess(target) : await inThisProcess(target);
  return {
    ...proxy,
    url: (base) => {
      const u = new URL(base);
      u.hostname = "127.0.0.1";
      u.port = String(proxy.port);
      return u.toString();
    },
  };
}

type Controls = Omit<TcpProxy, "url">;

async function inThisProcess(target: Target): Promise<Controls> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  let muted = false;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        sockets.add(client);
        sockets.add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on("error", drop).on("close", drop);
        upstream.on("error", drop).on("close", drop);
        client.pipe(upstream);
        // By hand rather than pipe(), so that a mute can drop the server's bytes; still with backpressure.
        upstream.on("data", (chunk: Buffer) => {
          if (muted || client.write(chunk)) return;
          upstream.pause();
          client.once("drain", () => upstream.resume());
        });
        upstream.on("end", () => client.end());
      });
      s.once("error", reject);
      // The same port after a `down()`, so clients reconnect to the address they were given.
      s.listen(port, "127.0.0.1", () => {
        port = (s.address() as net.AddressInfo).port;
        server = s;
        resolve();
      });
    });

  const down = async () => {
    const s = server;
    server = null;
    muted = false;
    for (const sock of sockets) sock.destroy();
    sockets.clear();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };

  await listen();
  return {
    port,
    down,
    up: async () => {
      if (!server) await listen();
    },
    mute: () => {
      muted = true;
      return Promise.resolve();
    },
    close: down,
  };
}

async function inChildProcess(target: Target): Promise<Controls> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(import.meta.url), target.host, String(target.port)],
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
    await next();
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
    down: () => ask("down"),
    up: () => ask("up"),
    mute: () => ask("mute"),
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      const t = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(t);
    },
  };
}

// The child side of `ownProcess`: prints its port, answers each `down`/`up`/`mute` line with one line, and exits
// when stdin closes, so it never outlives the test that started it.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [host, port] = process.argv.slice(2);
  const proxy = await inThisProcess({ host: host!, port: Number(port) });
  process.stdout.write(`${proxy.port}\n`);
  for await (const command of createInterface({ input: process.stdin })) {
    if (command === "down") await proxy.down();
    else if (command === "up") await proxy.up();
    else if (command === "mute") await proxy.mute();
    process.stdout.write(`${command} ok\n`);
  }
  await proxy.close();
  process.exit(0);
}
