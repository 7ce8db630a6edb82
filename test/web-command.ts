/**
 * The web app as production starts it (`npm start`): the bundled server (workers/web.ts) over the production
 * build, on plain Node. It owns the socket, so tests see the client addresses, forwarding-header rules and
 * shutdown that users get; `next start` would not.
 */
import { existsSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const bundle = path.join(root, "dist/workers/web.mjs");

/** Node's arguments for the production web server; buildWorkers() (test/collector-command.ts) must have run. */
export function webArgs(): string[] {
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: call buildWorkers() first`);
  return [bundle];
}

/** The environment that puts it on this port of the loopback address. */
export function webEnv(port: number): { PORT: string; HOST: string } {
  return { PORT: String(port), HOST: "127.0.0.1" };
}
