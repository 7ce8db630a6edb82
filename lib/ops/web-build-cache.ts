/**
 * The production build that `npm run dev` serves, reused while the source it was built from is unchanged. The
 * build's inputs (the app, the domain it imports, the config and the locked dependencies) are hashed by content,
 * not by modification time, so a checkout or a `touch` that changes nothing costs nothing, and an edit always
 * rebuilds. The stamp lives in the build directory beside BUILD_ID and names that BUILD_ID: a build made by
 * anything else (`npm test`'s `next build` of another tree) does not match a stamp left from before it.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/** What `next build` reads, relative to the app's root; those that do not exist are skipped. */
export const BUILD_INPUTS = [
  "app",
  "lib",
  "db",
  "components",
  "public",
  "packages",
  "proxy.ts",
  "next.config.mjs",
  "package.json",
  "package-lock.json",
  "tsconfig.json",
];

const STAMP = "alco-build-inputs.json";
// Not inputs of the web build: installed or built output, and tests beside the code.
const SKIP_DIRS = new Set(["node_modules", "dist", "test"]);
const isTest = (name: string) => /\.test\.tsx?$/.test(name);

function listFiles(root: string, rel: string, out: string[]) {
  const abs = path.join(root, rel);
  if (!existsSync(abs)) return;
  const entries = readdirSync(abs, { withFileTypes: true });
  for (const e of entries) {
    const child = path.posix.join(rel, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name) && !e.name.startsWith(".")) listFiles(root, child, out);
    } else if (e.isFile() && !isTest(e.name)) out.push(child);
  }
}

/** One hash of the names and contents of every build input under `root`. */
export function hashBuildInputs(root: string, inputs: readonly string[] = BUILD_INPUTS): string {
  const files: string[] = [];
  for (const input of inputs) {
    const abs = path.join(root, input);
    if (!existsSync(abs)) continue;
    if (statSync(abs).isDirectory()) listFiles(root, input, files);
    else files.push(input);
  }
  files.sort();
  const hash = createHash("sha256");
  for (const f of files) {
    const content = readFileSync(path.join(root, f));
    // Length-prefixed, so that no two different trees hash the same bytes.
    hash.update(`${f}\0${content.length}\0`).update(content);
  }
  return hash.digest("hex");
}

type Stamp = { inputs: string; buildId: string };

function readBuildId(distDir: string): string | null {
  try {
    return readFileSync(path.join(distDir, "BUILD_ID"), "utf8").trim();
  } catch {
    return null;
  }
}

function readStamp(distDir: string): Stamp | null {
  try {
    const s = JSON.parse(readFileSync(path.join(distDir, STAMP), "utf8")) as Partial<Stamp>;
    return typeof s.inputs === "string" && typeof s.buildId === "string" ? (s as Stamp) : null;
  } catch {
    return null;
  }
}

/** Why the build in `distDir` cannot serve the source whose inputs hash to `inputs`, or null if it can. */
export function staleBuildReason(distDir: string, inputs: string): string | null {
  const buildId = readBuildId(distDir);
  if (!buildId) return "no production build yet";
  const stamp = readStamp(distDir);
  if (!stamp || stamp.buildId !== buildId) return "the build was not made from a known source";
  if (stamp.inputs !== inputs) return "the source changed since the last build";
  return null;
}

/**
 * Builds the app into `distDir` with `build` unless the build there was made from the same inputs. The inputs
 * are hashed before the build starts: an edit made while it runs leaves a stamp that no longer matches, so the
 * next start builds again.
 */
export async function ensureWebBuild(opts: {
  root: string;
  distDir: string;
  build: () => Promise<void>;
  log: (line: string) => void;
}): Promise<{ built: boolean }> {
  const inputs = hashBuildInputs(opts.root);
  const reason = staleBuildReason(opts.distDir, inputs);
  if (!reason) {
    opts.log("the production build is current (source unchanged)");
    return { built: false };
  }
  opts.log(`building the web app: ${reason}`);
  await opts.build();
  const buildId = readBuildId(opts.distDir);
  if (!buildId) throw new Error(`the build left no ${path.join(opts.distDir, "BUILD_ID")}`);
  writeFileSync(path.join(opts.distDir, STAMP), JSON.stringify({ inputs, buildId } satisfies Stamp) + "\n");
  return { built: true };
}
