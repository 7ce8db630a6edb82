import { describe, expect, it } from "vitest";
import { SseParser, type SseItem } from "./sse-parser";

const events = (items: SseItem[]) => items.filter((i) => i.kind === "event");

/** Feeds the text in pieces cut at the given offsets. */
function feed(text: string, cuts: number[]): SseItem[] {
  const p = new SseParser();
  const out: SseItem[] = [];
  let at = 0;
  for (const cut of [...cuts, text.length]) {
    out.push(...p.push(text.slice(at, cut)));
    at = cut;
  }
  return out;
}

const STREAM =
  "event: ready\ndata: {}\n\n" +
  ": keepalive\n\n" +
  'id: 10_1\nevent: records\ndata: {"records":[1]}\n\n' +
  'event: sampled\ndata: {"dropped": 3}\n\n' +
  "data: line one\ndata: line two\n\n";

describe("SseParser", () => {
  it("reads events, comments, types and data", () => {
    expect(new SseParser().push(STREAM)).toEqual([
      { kind: "event", event: "ready", data: "{}", id: "" },
      { kind: "comment", text: "keepalive" },
      { kind: "event", event: "records", data: '{"records":[1]}', id: "10_1" },
      { kind: "event", event: "sampled", data: '{"dropped": 3}', id: "10_1" },
      { kind: "event", event: "message", data: "line one\nline two", id: "10_1" },
    ]);
  });

  it("gives the same events whatever the chunk boundaries, mid-line and mid-field included", () => {
    const whole = new SseParser().push(STREAM);
    for (let cut = 0; cut <= STREAM.length; cut++) expect(feed(STREAM, [cut])).toEqual(whole);
    expect(
      feed(
        STREAM,
        Array.from({ length: STREAM.length }, (_, i) => i),
      ),
    ).toEqual(whole);
  });

  it("takes CRLF and lone CR line ends, also a CRLF split across chunks", () => {
    const crlf = STREAM.replace(/\n/g, "\r\n");
    const cr = STREAM.replace(/\n/g, "\r");
    const whole = new SseParser().push(STREAM);
    expect(new SseParser().push(crlf)).toEqual(whole);
    expect(new SseParser().push(cr)).toEqual(whole);
    for (let cut = 0; cut <= crlf.length; cut++) expect(feed(crlf, [cut])).toEqual(whole);
    // Every CR at the end of a chunk and its LF at the start of the next.
    const cuts = [...crlf.matchAll(/\r/g)].map((m) => m.index + 1);
    expect(feed(crlf, cuts)).toEqual(whole);
  });

  it("holds an unfinished event until its blank line, and drops it when the stream ends", () => {
    const p = new SseParser();
    expect(p.push("id: 5_5\nevent: records\ndata: {")).toEqual([]);
    expect(p.push('"a":1}\n')).toEqual([]);
    expect(p.push("\n")).toEqual([{ kind: "event", event: "records", data: '{"a":1}', id: "5_5" }]);
    expect(p.push("data: half")).toEqual([]);
    p.end();
    expect(p.push("data: next\n\n")).toEqual([{ kind: "event", event: "message", data: "next", id: "5_5" }]);
  });

  it("carries the last id over, lets an id-only block set it, and ignores ids with NUL", () => {
    const p = new SseParser("1_1");
    expect(events(p.push("data: a\n\n"))[0]?.id).toBe("1_1");
    p.push("id: 2_2\n\n");
    expect(p.lastEventId).toBe("2_2");
    expect(events(p.push("data: b\n\n"))[0]?.id).toBe("2_2");
    expect(events(p.push("id: x\u0000y\ndata: c\n\n"))[0]?.id).toBe("2_2");
    expect(events(p.push("id\ndata: d\n\n"))[0]?.id).toBe("");
  });

  it("keeps spaces after the first one, colons in values, and empty data lines", () => {
    expect(new SseParser().push("data:  two spaces: here\ndata\ndata:\n\n")).toEqual([
      { kind: "event", event: "message", data: " two spaces: here\n\n", id: "" },
    ]);
  });

  it("reads retry, ignores unknown fields and blocks with nothing in them, strips a leading BOM", () => {
    expect(new SseParser().push("\ufeffretry: 1500\nfoo: bar\ndata: x\n\n\n\nretry: soon\n\n")).toEqual([
      { kind: "event", event: "message", data: "x", id: "", retry: 1500 },
    ]);
  });
});
