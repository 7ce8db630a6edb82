import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "@/test/agent-kit";
import { OffsetStore, type OffsetEntry } from "./offset-store";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

const entry = (id: string, offset: number): OffsetEntry => ({
  id,
  path: `/var/log/${id}.log`,
  dev: "2049",
  ino: "18446744073709551615",
  offset,
  fpLen: 0,
  fp: "e3b0",
});

describe("OffsetStore", () => {
  it("starts empty when there is no state file, creating its directory, and says so", async () => {
    const file = path.join(dir, "a", "b", "agent.json");
    const store = await OffsetStore.open(file, () => undefined);
    expect(store.existed).toBe(false);
    expect(store.list()).toEqual([]);
    await store.save();
    expect((await OffsetStore.open(file, () => undefined)).existed).toBe(true);
  });

  it("saves atomically and reads back what it saved, with inode numbers beyond 2^53 intact", async () => {
    const file = path.join(dir, "agent.json");
    const store = await OffsetStore.open(file, () => undefined);
    const e = entry("one", 10);
    store.put(e);
    store.put(entry("two", 20));
    await store.save();
    e.offset = 99;
    store.delete("two");
    await Promise.all([store.save(), store.save(), store.save()]);
    expect(await readdir(dir)).toEqual(["agent.json"]);
    const again = await OffsetStore.open(file, () => undefined);
    expect(again.list()).toEqual([{ ...entry("one", 99), gen: 1 }]);
    expect(again.findByIdentity("2049", "18446744073709551615")?.offset).toBe(99);
  });

  it("coalesces scheduled saves into one write", async () => {
    const file = path.join(dir, "agent.json");
    const store = await OffsetStore.open(file, () => undefined);
    const e = entry("one", 1);
    store.put(e);
    for (let i = 0; i < 100; i++) {
      e.offset = i;
      store.scheduleSave(20);
    }
    await new Promise((r) => setTimeout(r, 60));
    await store.close();
    expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({ files: [{ offset: 99 }] });
  });

  it("numbers generations in the order it first sees them, never reusing a number, old state files too", async () => {
    const file = path.join(dir, "agent.json");
    const store = await OffsetStore.open(file, () => undefined);
    const [a, b] = [entry("a", 0), entry("b", 0)];
    store.put(a);
    store.put(b);
    expect([a.gen, b.gen]).toEqual([1, 2]);
    store.delete("b");
    await store.save();
    const again = await OffsetStore.open(file, () => undefined);
    const c = entry("c", 0);
    again.put(c);
    expect(c.gen).toBe(3);
    // Written before generations were numbered: its entries get numbers above any the file names.
    await writeFile(
      file,
      JSON.stringify({ version: 1, files: [entry("x", 5), { ...entry("y", 7), gen: 4 }] }),
    );
    const old = await OffsetStore.open(file, () => undefined);
    expect(old.list().map((e) => [e.id, e.gen])).toEqual([
      ["x", 5],
      ["y", 4],
    ]);
  });

  it("refuses a state file it cannot read rather than starting over", async () => {
    const file = path.join(dir, "agent.json");
    await writeFile(file, '{"version":1,"files":[{"id":');
    await expect(OffsetStore.open(file, () => undefined)).rejects.toThrow(/unreadable.*move it away/);
  });
});
