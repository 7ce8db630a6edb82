/** What every benchmark shares: the machine line, writing its section into docs/BENCHMARKS.md, and its exit. */
import { execSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

const FILE = path.resolve(import.meta.dirname, "../docs/BENCHMARKS.md");
const HEAD =
  "# Benchmarks\n\nNewest first. Ratios hold across machines; absolute numbers are for the machine named.\n";

export function machine(extra = ""): string {
  const cpu = `${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown CPU"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
  const engine = execSync("searchd --help 2>&1 | head -1").toString().trim();
  return [cpu, `Node ${process.version}`, engine, extra].filter(Boolean).join(", ");
}

export function stamp(): string {
  return `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * Puts a section (its lines, starting with the `## ` title) first in docs/BENCHMARKS.md, keeping earlier ones.
 * `replace`: a section already first with the same title is this run's own earlier write, and goes.
 */
export async function prependSection(lines: string[], opts: { replace?: boolean } = {}): Promise<void> {
  const existing = await readFile(FILE, "utf8").catch(() => HEAD);
  const [head, ...rest] = existing.split("\n## ");
  if (opts.replace && rest[0]?.split("\n")[0] === lines[0]!.replace(/^## /, "")) rest.shift();
  await writeFile(FILE, [head!.trimEnd() + "\n", lines.join("\n"), ...rest.map((r) => `## ${r}`)].join("\n"));
  console.log("results written to docs/BENCHMARKS.md");
}

export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
