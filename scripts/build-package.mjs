// Builds the package in the current directory (one of packages/*, run by its `build` script) to dist/: ES modules
// in dist/esm, CommonJS in dist/cjs, each with its .d.ts and source maps, so that an app on plain Node can import
// or require it. The package is "type": "module", so dist/cjs gets a package.json of its own saying its .js files
// are CommonJS. `tsc -b` builds the workspace packages this one references first, when they are out of date,
// which is why every built package's dist/cjs gets that marker, not only this one's.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const packages = path.resolve(import.meta.dirname, "../packages");
// A clean dist/ for the package being built: nothing left over from a source file that is gone ships.
rmSync("dist", { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-b", "tsconfig.esm.json", "tsconfig.cjs.json"], { stdio: "inherit" });
for (const name of readdirSync(packages)) {
  const cjs = path.join(packages, name, "dist/cjs");
  if (existsSync(cjs)) writeFileSync(path.join(cjs, "package.json"), '{ "type": "commonjs" }\n');
}
