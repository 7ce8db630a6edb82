import { describe, expect, it } from "vitest";
import { parseCommandLine } from "./cli-args";

const NOW = Date.parse("2026-11-21T12:00:00Z");

describe("parseCommandLine", () => {
  it("reads query with its expression, times and limit", () => {
    expect(
      parseCommandLine(
        ["query", "demo", "status=500", "--since", "1h", "--until", "now-5m", "--limit", "2000"],
        NOW,
      ),
    ).toEqual({
      name: "query",
      logger: "demo",
      expr: "status=500",
      from: NOW - 3_600_000,
      to: NOW - 300_000,
      limit: 2000,
      json: false,
      url: undefined,
      token: undefined,
    });
  });

  it("joins the words after the logger into one query, and takes -terms after --", () => {
    const cmd = parseCommandLine(["query", "demo", "--json", "--", "timeout", "-healthz"], NOW);
    expect(cmd).toMatchObject({ name: "query", expr: "timeout -healthz", json: true, limit: 100 });
  });

  it("reads tail, hosts and the global options", () => {
    expect(parseCommandLine(["tail", "demo", "-n", "0", "--url", "http://a:1", "--token", "t"], NOW)).toEqual(
      {
        name: "tail",
        logger: "demo",
        expr: "",
        lines: 0,
        json: false,
        url: "http://a:1",
        token: "t",
      },
    );
    expect(parseCommandLine(["hosts", "web-1", "--files", "--since", "2d"], NOW)).toMatchObject({
      name: "hosts",
      host: "web-1",
      files: true,
      from: NOW - 2 * 86_400_000,
    });
    expect(parseCommandLine(["hosts"], NOW)).toMatchObject({ name: "hosts", host: undefined, files: false });
  });

  it("hands everything after agent to the agent untouched", () => {
    expect(parseCommandLine(["agent", "--url", "amqp://x", "--logger", "nginx", "/var/log/*.log"])).toEqual({
      name: "agent",
      args: ["--url", "amqp://x", "--logger", "nginx", "/var/log/*.log"],
    });
  });

  it("reads --version and -V, before a command or after it", () => {
    expect(parseCommandLine(["--version"])).toEqual({ name: "version" });
    expect(parseCommandLine(["-V"]).name).toBe("version");
    expect(parseCommandLine(["query", "demo", "--version"]).name).toBe("version");
  });

  it("refuses what it cannot read, as usage errors (exit code 2)", () => {
    const bad: [string[], string][] = [
      [[], "no command given"],
      [["grep", "demo"], 'unknown command "grep"'],
      [["query"], "query needs a logger index"],
      [["query", "demo", "--limit", "0"], "--limit: a whole number of at least 1"],
      [["query", "demo", "--since", "yesterday"], "--since: expected 15m"],
      [["tail", "demo", "--since", "1h"], "tail does not take --since"],
      [["hosts", "--files"], "--files needs a host"],
      [["hosts", "a", "b"], "at most one host"],
      [["query", "demo", "--nope"], "Unknown option '--nope'"],
    ];
    for (const [argv, message] of bad) {
      expect(() => parseCommandLine(argv, NOW), argv.join(" ")).toThrow(message);
      try {
        parseCommandLine(argv, NOW);
      } catch (err) {
        expect((err as { exitCode: number }).exitCode).toBe(2);
      }
    }
    expect(parseCommandLine(["--help"]).name).toBe("help");
    expect(parseCommandLine(["query", "-h"]).name).toBe("help");
  });
});
