/**
 * The child side of faultsB-proxy.ts: test/faults/tcp-proxy.ts in a process of its own, driven by lines on stdin
 * (`down`, `up`, `connections`), each answered by one line on stdout. Exits when stdin closes, so it never
 * outlives the test that started it.
 */
import { createInterface } from "node:readline";
import { startTcpProxy } from "./tcp-proxy";

const [host, port] = process.argv.slice(2);
const proxy = await startTcpProxy({ host: host!, port: Number(port) });
process.stdout.write(`${proxy.port}\n`);

const commands = createInterface({ input: process.stdin });
for await (const command of commands) {
  if (command === "down") await proxy.down();
  else if (command === "up") await proxy.up();
  process.stdout.write(command === "connections" ? `${proxy.connections()}\n` : `${command} ok\n`);
}
await proxy.close();
process.exit(0);
