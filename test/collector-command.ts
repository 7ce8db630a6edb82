/**
 * The collector process as production starts it (docker-compose.yml): the bundled worker on plain Node with the
 * heap limits of COLLECTOR_NODE_FLAGS. Tests and benchmarks that judge the collector's memory or speed run this,
 * not the TypeScript source under tsx, whose loader alone costs ~40 MiB and whose heap is uncapped.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { COLLECTOR_NODE_FLAGS } from "@/lib/collector/node-flags";

const root = path.resolve(import.meta.dirname, "..");
const bundle = path.join(root, "dist/workers/collector.mjs");

/** Bundles workers/ afresh (scripts/build-workers.mjs), so the bundle is never older than the source under test. */
export function buildWorkers(): void {
  execFileSync(process.execPath, [path.join(root, "scripts/build-workers.mjs")], { stdio: "pipe" });
}

/** Node's arguments for the production collector; the bundle must have been built in this run. */
export function collectorArgs(): string[] {
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: call buildWorkers() first`);
  return [...COLLECTOR_NODE_FLAGS, bundle];
}
