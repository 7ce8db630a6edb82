import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSyslog, syslogRecord, type SyslogMessage } from "./syslog-message";

const NOW = Date.UTC(2026, 11, 4, 21, 0, 0);
const opts = { timeZone: "UTC", now: NOW };

function parsed(text: string, o = opts): SyslogMessage {
  const r = parseSyslog(text, o);
  if (!r.ok) throw new Error(r.reason);
  return r.message;
}

describe("parseSyslog, RFC 5424", () => {
  it("reads the examples of section 6.5", () => {
    expect(
      parsed(
        "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF'su root' failed for lonvick on /dev/pts/8",
      ),
    ).toEqual({
      format: "rfc5424",
      facility: "auth",
      severity: "crit",
      time: "2003-10-11T22:14:15.003Z",
      hostname: "mymachine.example.com",
      appName: "su",
      procId: undefined,
      msgId: "ID47",
      message: "'su root' failed for lonvick on /dev/pts/8",
    });
    const sd = parsed(
      '<165>1 2003-10-11T22:14:15.003000-07:00 mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"] An application event',
    );
    expect(sd).toMatchObject({ facility: "local4", severity: "notice", appName: "evntslog" });
    expect(sd.structuredData).toEqual({
      "exampleSDID@32473": { iut: "3", eventSource: "Application", eventID: "1011" },
      "examplePriority@32473": { class: "high" },
    });
    expect(sd.message).toBe("An application event");
  });

  it("reads escaped values, repeated names, nil fields and an empty message", () => {
    const m = parsed('<14>1 - - - - - [x a="q\\"uote\\] \\\\ \\n" a="2"]');
    expect(m).toMatchObject({ time: undefined, hostname: undefined, appName: undefined, message: "" });
    expect(m.structuredData).toEqual({ x: { a: ['q"uote] \\ \\n', "2"] } });
  });

  it("refuses a broken header with the reason", () => {
    const reason = (t: string) => {
      const r = parseSyslog(t, opts);
      return r.ok ? "parsed" : r.reason;
    };
    expect(reason("<192>1 - - - - - -")).toMatch(/PRI <192>/);
    expect(reason("<13>1 yesterday host app - - -")).toMatch(/TIMESTAMP "yesterday"/);
    expect(reason("<13>1 - host")).toMatch(/fewer than seven/);
    expect(reason('<13>1 - h a - - [x a="open')).toMatch(/unterminated value of a in \[x\]/);
    expect(reason("<13>1 - h a - - [x]oops")).toMatch(/expected a space after STRUCTURED-DATA/);
    expect(reason("<abc>hello")).toMatch(/PRI/);
  });
});

describe("parseSyslog, RFC 3164", () => {
  it("reads the BSD timestamp, hostname and tag with its pid", () => {
    expect(parsed("<38>Dec  4 20:59:01 web-1 sshd[4242]: Accepted publickey for root")).toEqual({
      format: "rfc3164",
      facility: "auth",
      severity: "info",
      time: Date.UTC(2026, 11, 4, 20, 59, 1),
      hostname: "web-1",
      appName: "sshd",
      procId: "4242",
      message: "Accepted publickey for root",
    });
  });

  it("reads the timestamp in SYSLOG_TIMEZONE, and December's lines in January as last year's", () => {
    expect(parsed("<13>Jul 14 12:00:00 h t: x", { timeZone: "Europe/Berlin", now: NOW }).time).toBe(
      Date.UTC(2026, 6, 14, 10, 0, 0),
    );
    expect(
      parsed("<13>Dec 31 23:59:59 h t: x", { timeZone: "UTC", now: Date.UTC(2027, 0, 1, 0, 0, 5) }).time,
    ).toBe(Date.UTC(2026, 11, 31, 23, 59, 59));
  });

  it("takes an RFC 3339 timestamp in its place, and a tag as the first word when the hostname is left out", () => {
    const m = parsed("<13>2026-12-04T20:00:00.123456+01:00 cron: job done");
    expect(m).toMatchObject({
      time: Date.UTC(2026, 11, 4, 19, 0, 0, 123),
      hostname: undefined,
      appName: "cron",
    });
    expect(m.message).toBe("job done");
  });

  it("keeps whatever does not fit as the message, user.notice without a PRI", () => {
    expect(parsed("just some text")).toEqual({
      format: "rfc3164",
      facility: "user",
      severity: "notice",
      time: undefined,
      hostname: undefined,
      appName: undefined,
      procId: undefined,
      message: "just some text",
    });
    expect(parsed("<13>no timestamp here").message).toBe("no timestamp here");
  });
});

describe("syslogRecord", () => {
  it("puts severity, host, app and time where the collector lifts them, the rest as fields", () => {
    const m = parsed('<165>1 2003-10-11T22:14:15.003Z host1 app 77 ID1 [origin ip="10.0.0.1"] hello');
    expect(syslogRecord(m, "192.0.2.1")).toEqual({
      message: "hello",
      level: "notice",
      severity: "notice",
      facility: "local4",
      host: "host1",
      logger: "app",
      time: "2003-10-11T22:14:15.003Z",
      procid: "77",
      msgid: "ID1",
      sd: { origin: { ip: "10.0.0.1" } },
    });
  });

  it("takes the sender's address as the host of a message that names none", () => {
    expect(syslogRecord(parsed("plain"), "192.0.2.1")).toMatchObject({ host: "192.0.2.1", message: "plain" });
  });
});

describe("parseSyslog, any input", () => {
  it("never throws: a message, or a reason", () => {
    const header = fc.constantFrom("<13>1 ", "<34>", "<191>1 - h a - - ", "<13>Dec  4 21:00:00 h ", "");
    fc.assert(
      fc.property(header, fc.string({ unit: "binary", maxLength: 200 }), (h, rest) => {
        const r = parseSyslog(h + rest, opts);
        if (r.ok) expect(typeof r.message.message).toBe("string");
        else expect(r.reason).not.toBe("");
      }),
    );
  });
});
