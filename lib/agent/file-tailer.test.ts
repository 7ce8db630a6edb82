/** FileTailer on real files in a temporary directory, with a fake broker whose confirms each test controls. */
import { appendFile, readFile, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tailerHarness, tempDir, type TailerHarness } from "@/test/agent-kit";

let dir: string;
let cleanup: () => Promise<void>;
const harnesses: TailerHarness[] = [];
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.dispose();
  await cleanup();
});

async function harness(
  file: string,
  opts: Omit<Parameters<typeof tailerHarness>[1], "statePath"> & { statePath?: string } = {},
) {
  const h = await tailerHarness(file, { statePath: path.join(dir, "state.json"), ...opts });
  harnesses.push(h);
  return h;
}

const statePath = () => path.join(dir, "state.json");
const savedOffset = async () =>
  (JSON.parse(await readFile(statePath(), "utf8")) as { files: { offset: number }[] }).files[0]!.offset;

describe("FileTailer", () => {
  it("sends each appended line with its byte span, and waits for a line's newline", async () => {
    const file = path.join(dir, "app.log");
    await writeFile(file, '{"msg":"one"}\n{"msg":"two"}\n{"msg":"thr');
    const h = await harness(file);
    await h.poll();
    expect(h.sent.map((r) => [r.message, r.start, r.end])).toEqual([
      ["one", 0, 14],
      ["two", 14, 28],
    ]);
    await appendFile(file, 'ee"}\r\n');
    await h.poll();
    expect(h.sent.map((r) => r.message)).toEqual(["one", "two", "three"]);
    expect(h.sent[2]).toMatchObject({ start: 28, end: 45 });
    expect(h.tailer.offset).toBe(45);
  });

  it("commits an offset only once every record up to it is confirmed", async () => {
    const file = path.join(dir, "app.log");
    await writeFile(file, '{"n":1}\n{"n":2}\n\n{"n":3}\n');
    const h = await harness(file, { autoConfirm: false });
    await h.poll();
    expect(h.sent).toHaveLength(3);
    expect(h.tailer.offset).toBe(0);
    // The second and third are confirmed first: the first still holds the offset back.
    await h.confirm([1, 2]);
    expect(h.tailer.offset).toBe(0);
    await h.confirm();
    // All confirmed: the offset covers the blank line and the last record.
    expect(h.tailer.offset).toBe(25);
    await h.store.save();
    expect(await savedOffset()).toBe(25);
  });

  it("stops reading while no capacity is left, and goes on where it stopped", async () => {
    const file = path.join(dir, "app.log");
    await writeFile(file, Array.from({ length: 100 }, (_, i) => `{"n":${i}}\n`).join(""));
    const h = await harness(file, { autoConfirm: false, maxInFlight: 10 });
    expect(await h.poll()).toBe(false);
    expect(h.sent).toHaveLength(10);
    await h.confirm();
    await h.poll();
    expect(h.sent).toHaveLength(20);
    for (let i = 0; i < 8; i++) {
      await h.confirm();
      await h.poll();
    }
    await h.confirm();
    expect(await h.poll()).toBe(true);
    expect(h.sent.map((r) => (r.parsed.fields as { n: number }).n)).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
  });

  it("reads a truncated file again from the start as a new generation", async () => {
    const file = path.join(dir, "app.log");
    await writeFile(file, "first line\nsecond line\n");
    const h = await harness(file, { format: "json" });
    await h.poll();
    h.clock.now += 1000;
    await h.poll();
    expect(h.sent.map((r) => r.message)).toEqual(["first line", "second line"]);
    const before = h.sent[0]!.fileId;
    await truncate(file, 0);
    await appendFile(file, "after\n");
    await h.poll();
    h.clock.now += 1000;
    await h.poll();
    expect(h.sent.map((r) => r.message)).toEqual(["first line", "second line", "after"]);
    expect(h.sent[2]).toMatchObject({ start: 0, end: 6 });
    expect(h.sent[2]!.fileId).not.toBe(before);
    expect(h.tailer.offset).toBe(6);
  });

  it("notices copytruncate even when the file grew past the old offset before the next poll", async () => {
    const file = path.join(dir, "app.log");
    await writeFile(file, '{"msg":"a"}\n');
    const h = await harness(file);
    await h.poll();
    await writeFile(file, '{"msg":"b, much longer than the first line"}\n{"msg":"c"}\n');
    await h.poll();
    expect(h.sent.map((r) => r.message)).toEqual(["a", "b, much longer than the first line", "c"]);
  });

  it("joins a Python traceback and a Java stack trace, and ends each record at its last line", async () => {
    const file = path.join(dir, "app.log");
    const python = [
      "2026-11-21 13:45:01,123 ERROR request failed",
      "Traceback (most recent call last):",
      '  File "app.py", line 10, in handle',
      "    return compute()",
      "ValueError: bad input",
      "",
      "During handling of the above exception, another exception occurred:",
      "",
      "Traceback (most recent call last):",
      '  File "app.py", line 12, in handle',
      "RuntimeError: wrapped",
    ];
    const java = [
      "2026-11-21 13:45:02,000 ERROR [main] c.e.Service - boom",
      "java.lang.IllegalStateException: boom",
      "\tat com.example.Service.run(Service.java:42)",
      "\tat java.base/java.lang.Thread.run(Thread.java:833)",
      "Caused by: java.io.IOException: disk",
      "\t... 2 more",
    ];
    const text = [...python, ...java, "2026-11-21 13:45:03,000 INFO next", ""].join("\n");
    await writeFile(file, text);
    const h = await harness(file);
    await h.poll();
    expect(h.sent.map((r) => r.message)).toEqual([python.join("\n"), java.join("\n")]);
    expect(h.sent[0]).toMatchObject({ start: 0, parsed: { level: "error" } });
    expect(h.sent[1]!.start).toBe(Buffer.byteLength(python.join("\n") + "\n"));
    expect(h.sent[1]!.end).toBe(Buffer.byteLength([...python, ...java].join("\n") + "\n"));
    // The last record is held for a continuation until the file has been idle.
    h.clock.now += 499;
    await h.poll();
    expect(h.sent).toHaveLength(2);
    h.clock.now += 1;
    await h.poll();
    expect(h.sent.map((r) => r.message)[2]).toBe("2026-11-21 13:45:03,000 INFO next");
    expect(h.tailer.offset).toBe(Buffer.byteLength(text));
  });

  it("keeps a held record's lines uncommitted, so a restart reads them again", async () => {
    const file = path.join(dir, "app.log");
    await writeFile(
      file,
      '2026-11-21 13:45:01 ERROR one\n  at x\n{"msg":"json"}\n2026-11-21 13:45:02 INFO two\n',
    );
    const h = await harness(file);
    await h.poll();
    expect(h.sent.map((r) => r.message)).toEqual(["2026-11-21 13:45:01 ERROR one\n  at x", "json"]);
    // "two" waits for a possible continuation: the offset stops before it.
    expect(h.tailer.offset).toBe(
      Buffer.byteLength('2026-11-21 13:45:01 ERROR one\n  at x\n{"msg":"json"}\n'),
    );
  });

  it("joins indented lines to a plain line without a timestamp, but not unindented ones", async () => {
    const file = path.join(dir, "app.log");
    await writeFile(file, "Font directories:\n\t/usr/share/fonts\n\t/usr/local/share/fonts\nNext section\n");
    const h = await harness(file);
    await h.poll();
    h.clock.now += 1000;
    await h.poll();
    expect(h.sent.map((r) => r.message)).toEqual([
      "Font directories:\n\t/usr/share/fonts\n\t/usr/local/share/fonts",
      "Next section",
    ]);
  });

  it("caps a record's lines and cuts an overlong line at a UTF-8 boundary", async () => {
    const file = path.join(dir, "app.log");
    await writeFile(file, `2026-11-21 13:45:01 ERROR x\n${"  at y\n".repeat(5)}${"é".repeat(20)}\n`);
    const h = await harness(file, { maxLines: 3, maxLineBytes: 31 });
    await h.poll();
    h.clock.now += 1000;
    await h.poll();
    const messages = h.sent.map((r) => r.message);
    expect(messages.slice(0, 2)).toEqual([
      "2026-11-21 13:45:01 ERROR x\n  at y\n  at y",
      "  at y\n  at y\n  at y",
    ]);
    // 40 bytes of two-byte characters in pieces of at most 31 bytes, none split.
    expect(messages.slice(2)).toEqual(["é".repeat(15), "é".repeat(5)]);
  });

  it("parses W3C lines after a restart mid-file with the #Fields it saved", async () => {
    const file = path.join(dir, "u_ex.log");
    await writeFile(file, "#Fields: date time c-ip sc-status\n2026-11-21 13:45:01 10.0.0.1 200\n");
    const h = await harness(file);
    await h.poll();
    await h.store.save();
    const saved = JSON.parse(await readFile(statePath(), "utf8")) as {
      files: { offset: number; w3cFields: string[] }[];
    };
    expect(saved.files[0]).toMatchObject({ offset: 67, w3cFields: ["date", "time", "c_ip", "sc_status"] });
    await appendFile(file, "2026-11-21 13:45:02 10.0.0.2 500\n");
    const resumed = await harness(file, {
      statePath: path.join(dir, "resumed.json"),
      offset: 67,
      w3cFields: saved.files[0]!.w3cFields,
    });
    await resumed.poll();
    expect(resumed.sent[0]!.parsed).toMatchObject({
      format: "w3c",
      level: "error",
      fields: { c_ip: "10.0.0.2" },
    });
  });
});
