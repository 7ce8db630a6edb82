// Bundles the worker entry points (workers/*.ts) to dist/workers/*.mjs, so production runs them on plain
// Node: a TypeScript loader costs every worker ~40 MiB of resident memory and its start-up time
// (docs/BENCHMARKS.md). npm packages stay external, loaded from node_modules as usual.
import { build } from "esbuild";
import { readdirSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const entries = readdirSync(path.join(root, "workers"))
  // dev.ts runs the others from source with tsx; the CLI has its own bundle, in packages/cli (build-cli.mjs).
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !["dev.ts", "cli.ts"].includes(f))
  .map((f) => path.join(root, "workers", f));

await build({
  entryPoints: entries,
  outdir: path.join(root, "dist/workers"),
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  sourcemap: "linked",
  plugins: [
    {
      // `server-only` guards modules against client bundles; in a worker it is meaningless, and on plain Node it
      // throws. The workspace packages are bundled from their TypeScript source, as tsconfig.json maps them: their
      // exports name the built dist/, which only `npm pack` makes.
      name: "alco-workers",
      setup(b) {
        b.onResolve({ filter: /^server-only$/ }, () => ({ path: "server-only", namespace: "noop" }));
        b.onLoad({ filter: /.*/, namespace: "noop" }, () => ({ contents: "", loader: "js" }));
        b.onResolve({ filter: /^@alco\// }, (args) => ({
          path: path.join(root, "packages", args.path.slice("@alco/".length), "src/index.ts"),
        }));
      },
    },
  ],
  logLevel: "warning",
});
console.log(`bundled ${entries.length} workers to dist/workers`);
