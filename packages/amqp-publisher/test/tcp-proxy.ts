/**
 * A TCP proxy in front of RabbitMQ that a test can take down and bring back, to make RabbitMQ unreachable for one
 * publisher without stopping the server other tests share. It runs in a child process so that it keeps forwarding
 * while the test's own thread is blocked (pino's transport.end() waits synchronously for its worker).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { createInterface, type Interface } from "node:readline";

const SCRIPT = path.join(import.meta.dirname, "tcp-proxy-process.mjs");

export class TcpProxy {
  private child: ChildProcess | undefined;
  private lines: Interface | undefined;
  private port = 0;

  private constructor(private readonly target: URL) {}

  /** Starts a proxy to the RabbitMQ of `amqpUrl` on a free loopback port. */
  static async start(amqpUrl: string): Promise<TcpProxy> {
    const proxy = new TcpProxy(new URL(amqpUrl));
    await proxy.up();
    return proxy;
  }

  /** `amqpUrl` with the proxy's host and port. */
  get url(): string {
    const u = new URL(this.target);
    u.hostname = "127.0.0.1";
    u.port = String(this.port);
    return u.toString();
  }

  /** Starts forwarding, on the same port as before. */
  async up(): Promise<void> {
    if (this.child) return;
    const child = spawn(
      process.execPath,
      [SCRIPT, String(this.port), this.target.hostname, this.target.port || "5672"],
      {
        stdio: ["pipe", "pipe", "inherit"],
      },
    );
    this.child = child;
    this.lines = createInterface({ input: child.stdout });
    this.port = Number(await this.nextLine());
  }

  /** Stops passing RabbitMQ's replies on (confirms among them) while the client's messages still get through. */
  async mute(): Promise<void> {
    this.child?.stdin?.write("mute\n");
    if ((await this.nextLine()) !== "muted") throw new Error("the proxy did not mute");
  }

  private async nextLine(): Promise<string> {
    const [line] = (await once(this.lines!, "line")) as [string];
    return line;
  }

  /** Kills the proxy: the port stops answering and every connection through it is cut. */
  async down(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
  }
}
