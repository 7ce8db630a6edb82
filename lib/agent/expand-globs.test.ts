import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "@/test/agent-kit";
import { expandGlobs, segmentRegExp } from "./expand-globs";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

describe("expandGlobs", () => {
  it("matches files per segment with * ? [] {} and skips directories and dot files", async () => {
    await mkdir(path.join(dir, "nginx", "sub.log"), { recursive: true });
    await mkdir(path.join(dir, "app"));
    for (const f of [
      "nginx/access.log",
      "nginx/error.log",
      "nginx/access.log.1",
      "nginx/.hidden.log",
      "app/a1.log",
      "app/b2.txt",
    ])
      await writeFile(path.join(dir, f), "x\n");
    await symlink(path.join(dir, "app/a1.log"), path.join(dir, "nginx/link.log"));
    const rel = async (...patterns: string[]) =>
      (await expandGlobs(patterns.map((p) => path.join(dir, p)))).map((f) => path.relative(dir, f));
    expect(await rel("nginx/*.log")).toEqual(["nginx/access.log", "nginx/error.log", "nginx/link.log"]);
    expect(await rel("*/{a,e}*.log")).toEqual(["app/a1.log", "nginx/access.log", "nginx/error.log"]);
    expect(await rel("app/[ab]?.*")).toEqual(["app/a1.log", "app/b2.txt"]);
    expect(await rel("app/[!a]*")).toEqual(["app/b2.txt"]);
    expect(await rel("nginx/.*.log")).toEqual(["nginx/.hidden.log"]);
    expect(await rel("app/a1.log", "app/*.log", "missing/*.log", "nope.log")).toEqual(["app/a1.log"]);
  });

  it("treats regular expression characters in names literally", () => {
    expect(segmentRegExp("app(1)+.log").test("app(1)+.log")).toBe(true);
    expect(segmentRegExp("app.log").test("appxlog")).toBe(false);
  });
});
