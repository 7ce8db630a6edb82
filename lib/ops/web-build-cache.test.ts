import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureWebBuild, hashBuildInputs } from "./web-build-cache";

let root: string;
let distDir: string;
let builds: number;

function write(rel: string, content: string) {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), content);
}

// A stand-in for `next build`: like it, it empties the build directory and leaves a new BUILD_ID.
function fakeBuild(): Promise<void> {
  builds++;
  rmSync(distDir, { recursive: true, force: true });
  mkdirSync(distDir, { recursive: true });
  writeFileSync(path.join(distDir, "BUILD_ID"), `build-${builds}`);
  return Promise.resolve();
}

const ensure = () => ensureWebBuild({ root, distDir, build: fakeBuild, log: () => {} });

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "alco-build-cache-"));
  distDir = path.join(root, ".next-stack");
  builds = 0;
  write("app/page.tsx", "export default function Page() {}");
  write("lib/reader/format.ts", "export const x = 1;");
  write("package-lock.json", "{}");
  write("next.config.mjs", "export default {};");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("the web build for npm run dev", () => {
  it("builds when there is no build, then not again while the source is unchanged", async () => {
    expect(await ensure()).toEqual({ built: true });
    expect(await ensure()).toEqual({ built: false });
    expect(await ensure()).toEqual({ built: false });
    expect(builds).toBe(1);
  });

  it.each([
    ["a page", "app/page.tsx", "export default function Page() { return null; }"],
    ["a domain module", "lib/reader/format.ts", "export const x = 2;"],
    ["a new file", "lib/reader/new.ts", "export {};"],
    ["the locked dependencies", "package-lock.json", '{"lockfileVersion":3}'],
    ["the Next.js config", "next.config.mjs", "export default { poweredByHeader: false };"],
    ["a static file", "public/robots.txt", "User-agent: *"],
  ])("rebuilds when %s changes", async (_what, file, content) => {
    await ensure();
    write(file, content);
    expect(await ensure()).toEqual({ built: true });
    expect(await ensure()).toEqual({ built: false });
    expect(builds).toBe(2);
  });

  it("does not rebuild for tests, installed packages or files outside the inputs", async () => {
    await ensure();
    write("lib/reader/format.test.ts", "it('x', () => {});");
    write("packages/pino-transport/node_modules/x/index.js", "");
    write("packages/pino-transport/dist/index.js", "");
    write("e2e/ui/reader.spec.ts", "");
    write("tmp/searchd/binlog.001", "");
    write("README.md", "# alco");
    expect(await ensure()).toEqual({ built: false });
  });

  it("rebuilds a build that something else made, though the source is the same", async () => {
    await ensure();
    // `next build` run by hand or by `npm test` into the same directory: a new BUILD_ID, no stamp.
    await fakeBuild();
    expect(await ensure()).toEqual({ built: true });
    // Only the BUILD_ID replaced, the stamp left in place.
    writeFileSync(path.join(distDir, "BUILD_ID"), "other");
    expect(await ensure()).toEqual({ built: true });
  });

  it("rebuilds after a failed build", async () => {
    await ensure();
    write("app/page.tsx", "syntax error");
    const failing = () => {
      rmSync(distDir, { recursive: true, force: true });
      return Promise.reject(new Error("next build failed"));
    };
    await expect(ensureWebBuild({ root, distDir, build: failing, log: () => {} })).rejects.toThrow(
      "next build failed",
    );
    expect(await ensure()).toEqual({ built: true });
  });

  it("hashes content, not file times: rewriting a file unchanged keeps the hash", () => {
    const before = hashBuildInputs(root);
    write("app/page.tsx", "export default function Page() {}");
    expect(hashBuildInputs(root)).toBe(before);
  });
});
