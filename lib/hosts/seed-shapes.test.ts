import { describe, expect, it } from "vitest";
import type { HostFile, HostLogLine } from "./schema";
import {
  lastModified,
  seedFileUrl,
  seedHostUrl,
  toSeedFileNames,
  toSeedFiles,
  toSeedHosts,
  toSeedLogLine,
} from "./seed-shapes";

const ORIGIN = "http://127.0.0.1:3032";

const file = (filename: string, index: string, lines: number, last_seen: string): HostFile => ({
  filename,
  kind: "file",
  index,
  lines,
  last_seen,
});

describe("the Logging Aggregator's shapes", () => {
  it("writes last_modified as epoch seconds with the milliseconds as the fraction", () => {
    expect(lastModified(1639596366621)).toBe("1639596366.621");
    expect(lastModified(1639508052063)).toBe("1639508052.063");
    expect(lastModified(1639508052000)).toBe("1639508052.000");
    expect(lastModified(1639508052007)).toBe("1639508052.007");
    expect(Number(lastModified(1639525487506))).toBeCloseTo(1639525487.506381, 3);
  });

  it("links a host and a file's lines absolutely, with the names encoded", () => {
    expect(seedHostUrl(ORIGIN, "andynewman")).toBe("http://127.0.0.1:3032/hosts/andynewman/");
    expect(seedFileUrl(ORIGIN, "andynewman", "fsck_apfs_error.log")).toBe(
      "http://127.0.0.1:3032/hosts/andynewman/logs?file=fsck_apfs_error.log",
    );
    expect(seedFileUrl(ORIGIN, "web 1", "/var/log/a&b.log")).toBe(
      "http://127.0.0.1:3032/hosts/web%201/logs?file=%2Fvar%2Flog%2Fa%26b.log",
    );
  });

  it("lists hosts with the seed's keys and when each was last seen", () => {
    expect(
      toSeedHosts(ORIGIN, [
        {
          host: "andynewman",
          url: "/api/hosts/andynewman/",
          files_url: "/api/hosts/andynewman/files",
          logs_url: "/api/hosts/andynewman/logs",
          last_seen: "2021-12-15T19:26:06.621Z",
        },
      ]),
    ).toEqual([
      {
        host: "andynewman",
        url: "http://127.0.0.1:3032/hosts/andynewman/",
        last_seen: "2021-12-15T19:26:06.621Z",
      },
    ]);
  });

  it("gives a file two indexes hold once, its lines summed and its newest time kept", () => {
    const files = [
      file("other_log", "a", 2, "2021-12-15T00:00:00.000Z"),
      file("syslog", "a", 3, "2021-12-14T18:54:12.063Z"),
      file("syslog", "b", 1, "2021-12-14T20:00:00.000Z"),
    ];
    expect(toSeedFiles(ORIGIN, "andynewman", files)).toEqual([
      {
        filename: "other_log",
        host: "andynewman",
        url: "http://127.0.0.1:3032/hosts/andynewman/logs?file=other_log",
        lines: 2,
        last_seen: "2021-12-15T00:00:00.000Z",
      },
      {
        filename: "syslog",
        host: "andynewman",
        url: "http://127.0.0.1:3032/hosts/andynewman/logs?file=syslog",
        lines: 4,
        last_seen: "2021-12-14T20:00:00.000Z",
      },
    ]);
    expect(toSeedFileNames(files)).toEqual(["other_log", "syslog"]);
  });

  it("puts a line's seed keys first and keeps alco's beside them", () => {
    const line: HostLogLine = {
      host: "andynewman",
      filename: "syslog",
      logline: "line three",
      timestamp: "2021-12-14T18:54:12.063Z",
      level: "info",
      index: "a",
      logger: "syslog",
      id: "42",
    };
    const seed = toSeedLogLine(line);
    expect(Object.keys(seed).slice(0, 4)).toEqual(["filename", "last_modified", "logline", "host"]);
    expect(seed).toEqual({
      filename: "syslog",
      last_modified: "1639508052.063",
      logline: "line three",
      host: "andynewman",
      timestamp: "2021-12-14T18:54:12.063Z",
      level: "info",
      index: "a",
      logger: "syslog",
      id: "42",
    });
  });
});
