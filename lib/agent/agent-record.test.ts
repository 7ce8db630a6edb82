import { describe, expect, it } from "vitest";
import { agentRoutingKey, buildRecordBody, recordMessageId } from "./agent-record";
import { createLineParser } from "./line-parsers";

const NOW = Date.UTC(2026, 10, 21, 14, 0, 0);
const source = { host: "web-1", logger: "nginx", tags: ["production1", "cache-server"] };
const parse = (line: string) => createLineParser("auto").parse(line, NOW)!;

describe("buildRecordBody", () => {
  it("gives a parsed line its message, time, level, fields and source", () => {
    const line = '10.0.0.1 - - [21/Nov/2026:13:45:02 +0000] "GET /x HTTP/1.1" 500 12';
    expect(buildRecordBody(parse(line), line, NOW, "/var/log/nginx/access.log", source)).toEqual({
      remote: "10.0.0.1",
      method: "GET",
      path: "/x",
      protocol: "HTTP/1.1",
      status: 500,
      bytes: 12,
      message: line,
      timestamp: "2026-11-21T13:45:02.000Z",
      level: "error",
      host: "web-1",
      logger: "nginx",
      file: "/var/log/nginx/access.log",
      tags: ["production1", "cache-server"],
    });
  });

  it("uses the read time when the line has none", () => {
    expect(buildRecordBody(parse("no time here"), "no time here", NOW, "/f", source)).toMatchObject({
      message: "no time here",
      timestamp: new Date(NOW).toISOString(),
    });
  });

  it("leaves a JSON line's own message, time and level to the collector, and keeps its clashing fields", () => {
    const line =
      '{"msg":"hi","time":1795269901000,"level":30,"host":"container-7","tags":["a"],"__proto__":{"x":1}}';
    const body = buildRecordBody(parse(line), "hi", NOW, "/f", source);
    expect(body).toEqual({
      msg: "hi",
      time: 1795269901000,
      level: 30,
      host: "web-1",
      line_host: "container-7",
      tags: ["production1", "cache-server"],
      line_tags: ["a"],
      ["__proto__"]: { x: 1 },
      logger: "nginx",
      file: "/f",
    });
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
  });

  it("adds message and timestamp to a JSON line without them, keeping an unreadable time", () => {
    const line = '{"event":"x","timestamp":"yesterday"}';
    expect(buildRecordBody(parse(line), line, NOW, "/f", source)).toMatchObject({
      event: "x",
      message: line,
      timestamp: new Date(NOW).toISOString(),
      line_timestamp: "yesterday",
    });
  });
});

describe("message ids and routing keys", () => {
  it("derive the id from host, file generation and offset only", () => {
    const id = recordMessageId("web-1", "gen-1", 1234);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(recordMessageId("web-1", "gen-1", 1234)).toBe(id);
    expect(
      new Set([
        id,
        recordMessageId("web-2", "gen-1", 1234),
        recordMessageId("web-1", "gen-2", 1234),
        recordMessageId("web-1", "gen-1", 1235),
      ]).size,
    ).toBe(4);
  });

  it("route to <prefix>.<index>.<logger>", () => {
    expect(agentRoutingKey("files", "demo", "syslog")).toBe("files.demo.syslog");
  });
});
