// Bundles the `alco` command (workers/cli.ts) and the file agent it starts (workers/agent.ts) into
// packages/cli/dist, so that `@alco/cli` runs on plain Node without this repository. The npm packages the CLI's
// package.json lists as dependencies stay external, installed beside it; everything else it imports is bundled,
// and a bundle that would carry any other npm package fails the build: the agent is installed on every host, and
// must not bring the web app's database, engine or UI libraries with it.
import { build } from "esbuild";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const pkgDir = path.join(root, "packages/cli");
const pkg = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8"));
const external = Object.keys(pkg.dependencies ?? {});
const outdir = path.join(pkgDir, "dist");

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { alco: path.join(root, "workers/cli.ts"), agent: path.join(root, "workers/agent.ts") },
  outdir,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  external,
  // workers/cli.ts reads it to print --version and to start the bundled agent rather than the TypeScript one.
  define: { ALCO_CLI_VERSION: JSON.stringify(pkg.version) },
  banner: { js: "#!/usr/bin/env node" },
  sourcemap: "linked",
  metafile: true,
  plugins: [
    {
      // Our workspace packages are bundled from their source, whatever their package.json exports.
      name: "alco-workspace-source",
      setup(b) {
        b.onResolve({ filter: /^@alco\// }, (args) => ({
          path: path.join(root, "packages", args.path.slice("@alco/".length), "src/index.ts"),
        }));
      },
    },
  ],
  logLevel: "warning",
});

const bundled = new Set(
  Object.keys(result.metafile.inputs)
    .map((input) => /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1])
    .filter((name) => name !== undefined),
);
if (bundled.size > 0) {
  rmSync(outdir, { recursive: true, force: true });
  console.error(
    `build-cli: the bundle would carry ${[...bundled].sort().join(", ")} from node_modules: ` +
      "list what the CLI or the agent truly needs in packages/cli/package.json's dependencies, or cut the import",
  );
  process.exit(1);
}
// On stderr, as esbuild reports: `npm pack --json` prints this script's stdout into its JSON.
console.error(
  `bundled alco ${pkg.version} and its agent to packages/cli/dist (external: ${external.join(", ")})`,
);
