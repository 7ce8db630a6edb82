/**
 * How many messages a process holds delivered and unacked, as RabbitMQ counts them on that process's channels.
 * Read from the channels, which answer live; a quorum queue's own `messages_unacknowledged` is a metric it
 * refreshes every few seconds, and reads 0 for a queue younger than that. The process's AMQP connections are
 * found by their local ports (its socket fds in /proc, so Linux only), which RabbitMQ lists as `peer_port`.
 */
import { execFile } from "node:child_process";
import { readdir, readFile, readlink } from "node:fs/promises";
import { promisify } from "node:util";

const run = promisify(execFile);

/** rabbitmqctl's rows for `items` of `what` (connections, channels), each starting with an Erlang pid. */
async function rabbitmqRows(what: string, items: string[]): Promise<string[][]> {
  const { stdout } = await run("rabbitmqctl", [`list_${what}`, ...items, "-q"]);
  // The header line, which -q leaves in, is the one that does not start with a pid.
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("<"))
    .map((l) => l.split("\t"));
}

/** Local ports of the TCP connections that process `pid` has open to `port`. */
async function localPortsTo(pid: number, port: number): Promise<Set<number>> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
    const m = /^socket:\[(\d+)\]$/.exec(link);
    if (m) inodes.add(m[1]!);
  }
  const ports = new Set<number>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    // sl, local address, remote address, state, queues, timer, retransmits, uid, timeout, inode: addresses as
    // hex ip:port.
    for (const line of (await readFile(table, "utf8").catch(() => "")).split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !inodes.has(f[9]!)) continue;
      const hexPort = (address: string) => parseInt(address.slice(address.lastIndexOf(":") + 1), 16);
      if (hexPort(f[2]!) === port) ports.add(hexPort(f[1]!));
    }
  }
  return ports;
}

/** Messages delivered to process `pid` over its connections to the broker of `amqpUrl` and not acked. */
export async function unackedByProcess(pid: number, amqpUrl: string): Promise<number> {
  const ports = await localPortsTo(pid, Number(new URL(amqpUrl).port || 5672));
  const connections = new Set(
    (await rabbitmqRows("connections", ["pid", "peer_port"]))
      .filter(([, port]) => ports.has(Number(port)))
      .map(([connection]) => connection!),
  );
  if (connections.size === 0) throw new Error(`RabbitMQ lists no connection of process ${pid}`);
  return (await rabbitmqRows("channels", ["connection", "messages_unacknowledged"]))
    .filter(([connection]) => connections.has(connection!))
    .reduce((sum, [, n]) => sum + Number(n), 0);
}
