import { describe, expect, it } from "vitest";
import { createLineParser, type LineFormat } from "./line-parsers";

const NOW = Date.UTC(2026, 10, 21, 14, 0, 0);
const parse = (format: LineFormat, line: string) => createLineParser(format).parse(line, NOW);

const COMBINED =
  '203.0.113.7 - alice [21/Nov/2026:13:45:01 +0000] "GET /api/orders?id=7 HTTP/1.1" 503 1234 "https://shop.example/" "Mozilla/5.0 (X11; Linux)"';
const COMMON = '10.0.0.1 - - [21/Nov/2026:13:45:02 +0100] "POST /login HTTP/1.0" 401 -';

describe("JSON lines", () => {
  it("keeps every field and takes the message and time from the line", () => {
    const p = parse(
      "json",
      '{"level":"warn","msg":"slow query","time":1795269901000,"ms":812,"db":{"host":"pg-1"}}',
    );
    expect(p).toEqual({
      format: "json",
      message: "slow query",
      time: 1795269901000,
      leadingTimestamp: false,
      fields: { level: "warn", msg: "slow query", time: 1795269901000, ms: 812, db: { host: "pg-1" } },
    });
  });

  it("uses the whole line as the message when the object has none", () => {
    const p = parse("auto", '{"event":"login","user":"bob","@timestamp":"2026-11-21T13:45:01Z"}');
    expect(p).toMatchObject({ format: "json", time: Date.UTC(2026, 10, 21, 13, 45, 1) });
    expect(p!.message).toBe('{"event":"login","user":"bob","@timestamp":"2026-11-21T13:45:01Z"}');
  });

  it.each(['{"broken": ', "[1,2,3]", '{"a":1} trailing', "not json at all"])(
    "keeps malformed %j as plain text",
    (line) => {
      expect(parse("json", line)).toMatchObject({ format: "plain", message: line, fields: {} });
    },
  );
});

describe("common and combined log format", () => {
  it("reads the combined format's fields, the level from the status", () => {
    expect(parse("clf", COMBINED)).toEqual({
      format: "clf",
      message: COMBINED,
      time: Date.UTC(2026, 10, 21, 13, 45, 1),
      leadingTimestamp: false,
      level: "error",
      fields: {
        remote: "203.0.113.7",
        user: "alice",
        method: "GET",
        path: "/api/orders?id=7",
        protocol: "HTTP/1.1",
        status: 503,
        bytes: 1234,
        referer: "https://shop.example/",
        agent: "Mozilla/5.0 (X11; Linux)",
      },
    });
  });

  it("reads the common format; 4xx is a warning, 2xx and 3xx info", () => {
    expect(parse("auto", COMMON)).toMatchObject({
      format: "clf",
      time: Date.UTC(2026, 10, 21, 12, 45, 2),
      level: "warn",
      fields: { remote: "10.0.0.1", method: "POST", path: "/login", protocol: "HTTP/1.0", status: 401 },
    });
    expect(parse("clf", COMMON.replace("401", "302"))!.level).toBe("info");
  });

  it("keeps a request line that is not METHOD PATH PROTOCOL, and escaped quotes", () => {
    const line = '10.0.0.1 - - [21/Nov/2026:13:45:02 +0000] "\\x16\\x03\\x01" 400 157 "-" "say \\"hi\\""';
    expect(parse("clf", line)!.fields).toEqual({
      remote: "10.0.0.1",
      request: "\\x16\\x03\\x01",
      status: 400,
      bytes: 157,
      agent: 'say "hi"',
    });
  });

  it.each([
    '10.0.0.1 - - [not a time] "GET / HTTP/1.1" 200 1',
    '10.0.0.1 - - [21/Nov/2026:13:45:02 +0000] "GET / HTTP/1.1" abc 1',
    "10.0.0.1 - - truncated line",
  ])("keeps malformed %j as plain text", (line) => {
    expect(parse("clf", line)).toMatchObject({ format: "plain", message: line });
  });
});

describe("W3C extended log format", () => {
  const header = [
    "#Software: Microsoft Internet Information Services 10.0",
    "#Version: 1.0",
    "#Date: 2026-11-21 13:45:00",
    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status time-taken",
  ];
  const line =
    "2026-11-21 13:45:01 10.0.0.5 GET /default.htm - 80 - 203.0.113.9 Mozilla/5.0+(Windows+NT+10.0) 404 0 2 15";

  it("treats directives as no records and reads the lines under #Fields as columns", () => {
    for (const format of ["w3c", "auto"] as const) {
      const parser = createLineParser(format);
      expect(header.map((h) => parser.parse(h, NOW))).toEqual([null, null, null, null]);
      expect(parser.parse(line, NOW)).toEqual({
        format: "w3c",
        message: line,
        time: Date.UTC(2026, 10, 21, 13, 45, 1),
        leadingTimestamp: true,
        level: "warn",
        fields: {
          s_ip: "10.0.0.5",
          cs_method: "GET",
          cs_uri_stem: "/default.htm",
          s_port: 80,
          c_ip: "203.0.113.9",
          cs_user_agent: "Mozilla/5.0+(Windows+NT+10.0)",
          sc_status: 404,
          sc_substatus: 0,
          sc_win32_status: 2,
          time_taken: 15,
        },
      });
    }
  });

  it("takes a new #Fields directive for the lines after it, and remembers columns across a restart", () => {
    const parser = createLineParser("w3c");
    parser.parse("#Fields: date time c-ip sc-status", NOW);
    expect(parser.parse("2026-11-21 13:45:01 10.0.0.1 200", NOW)!.fields).toEqual({
      c_ip: "10.0.0.1",
      sc_status: 200,
    });
    parser.parse("#Fields: time cs-method", NOW);
    expect(parser.parse('13:45:02 "GET"', NOW)!.fields).toEqual({ time: "13:45:02", cs_method: "GET" });
    const resumed = createLineParser("w3c", parser.snapshot());
    expect(resumed.parse("13:45:03 PUT", NOW)!.fields).toEqual({ time: "13:45:03", cs_method: "PUT" });
  });

  it("keeps lines that do not fit the columns, or come before any #Fields, as plain text", () => {
    expect(parse("w3c", line)).toMatchObject({ format: "plain", message: line, leadingTimestamp: true });
    const parser = createLineParser("w3c");
    parser.parse("#Fields: date time c-ip", NOW);
    expect(parser.parse("2026-11-21 13:45:01 10.0.0.1 extra column", NOW)).toMatchObject({ format: "plain" });
    expect(parser.parse("#Unknown: directive", NOW)).toMatchObject({ format: "plain" });
  });
});

describe("syslog", () => {
  it("reads RFC 5424 with structured data: priority to level and facility, header to fields", () => {
    const line =
      '<165>1 2026-11-21T13:45:01.003Z mymachine.example.com evntslog 1234 ID47 [exampleSDID@32473 iut="3" eventSource="Application"] \uFEFFAn application event';
    expect(parse("syslog", line)).toEqual({
      format: "syslog",
      message: "An application event",
      time: Date.UTC(2026, 10, 21, 13, 45, 1, 3),
      leadingTimestamp: true,
      level: "notice",
      fields: {
        facility: "local4",
        hostname: "mymachine.example.com",
        appname: "evntslog",
        pid: 1234,
        msgid: "ID47",
        structured_data: '[exampleSDID@32473 iut="3" eventSource="Application"]',
      },
    });
  });

  it("reads RFC 5424 with nil values and no message", () => {
    expect(parse("auto", "<11>1 - - - - - -")).toEqual({
      format: "syslog",
      message: "",
      time: null,
      leadingTimestamp: false,
      level: "error",
      fields: { facility: "user" },
    });
  });

  it("reads RFC 3164 with a priority", () => {
    expect(
      parse("auto", "<34>Nov 21 13:45:01 mymachine su[88]: 'su root' failed for lonvick on /dev/pts/8"),
    ).toEqual({
      format: "syslog",
      message: "'su root' failed for lonvick on /dev/pts/8",
      time: new Date(2026, 10, 21, 13, 45, 1).getTime(),
      leadingTimestamp: true,
      level: "fatal",
      fields: { facility: "auth", hostname: "mymachine", appname: "su", pid: 88 },
    });
  });

  it("reads the syslog file format, with a traditional or an RFC 3339 time", () => {
    expect(
      parse("auto", "Nov 21 13:45:01 web-1 CRON[4242]: (root) CMD (run-parts /etc/cron.hourly)"),
    ).toMatchObject({
      format: "syslog",
      message: "(root) CMD (run-parts /etc/cron.hourly)",
      fields: { hostname: "web-1", appname: "CRON", pid: 4242 },
    });
    expect(
      parse(
        "syslog",
        "2026-11-21T13:45:01.123456+00:00 web-1 kernel: [  1.2] ERROR: usb 1-1: device not accepting",
      ),
    ).toEqual({
      format: "syslog",
      message: "[  1.2] ERROR: usb 1-1: device not accepting",
      time: Date.UTC(2026, 10, 21, 13, 45, 1, 123),
      leadingTimestamp: true,
      level: "error",
      fields: { hostname: "web-1", appname: "kernel" },
    });
  });

  it("does not take a plain line with a level word for syslog in auto mode", () => {
    const line = "2026-11-21T13:45:01Z ERROR app: boom";
    expect(parse("auto", line)).toMatchObject({ format: "plain", message: line, level: "error" });
  });

  it.each(["<999>1 2026-11-21T13:45:01Z h a - - - x", "<13>garbage", "Nov 21 13:45:01 just words here"])(
    "keeps malformed %j as plain text",
    (line) => {
      expect(parse("syslog", line)).toMatchObject({ format: "plain", message: line });
    },
  );
});

describe("plain text", () => {
  it("takes the leading timestamp and the level word; the message is the whole line", () => {
    const line = "2026-11-21 13:45:01,123 ERROR [worker-3] payment failed for order 7";
    expect(parse("auto", line)).toEqual({
      format: "plain",
      message: line,
      time: new Date(2026, 10, 21, 13, 45, 1, 123).getTime(),
      leadingTimestamp: true,
      level: "error",
      fields: {},
    });
  });

  it("reads the timestamp and level of a coloured line, keeping the line as written", () => {
    const line = "\u001b[2m2026-11-21 13:45:01,123\u001b[0m \u001b[1;31mERROR\u001b[0m payment failed";
    expect(parse("auto", line)).toEqual({
      format: "plain",
      message: line,
      time: new Date(2026, 10, 21, 13, 45, 1, 123).getTime(),
      leadingTimestamp: true,
      level: "error",
      fields: {},
    });
    expect(parse("plain", "\u001b[31mERROR\u001b[0m boom")).toMatchObject({ level: "error", time: null });
    expect(parse("auto", "\u001b[33m[warn]\u001b[39m slow")).toMatchObject({ level: "warn" });
  });

  it("has no time and no level when the line names none", () => {
    expect(parse("plain", "just some words")).toEqual({
      format: "plain",
      message: "just some words",
      time: null,
      leadingTimestamp: false,
      fields: {},
    });
  });

  it("reads every format's line as plain text when told to", () => {
    expect(parse("plain", COMBINED)).toMatchObject({ format: "plain", message: COMBINED, fields: {} });
    expect(parse("plain", '{"msg":"x"}')).toMatchObject({ format: "plain", message: '{"msg":"x"}' });
  });

  it("does not drop a line starting with # that is no W3C directive", () => {
    expect(parse("auto", "# a comment")).toMatchObject({ format: "plain", message: "# a comment" });
  });
});
