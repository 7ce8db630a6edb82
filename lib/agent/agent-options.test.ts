import os from "node:os";
import { describe, expect, it } from "vitest";
import { parseAgentCommandLine } from "./agent-options";

describe("parseAgentCommandLine", () => {
  it("reads the documented flags and repeatable tags", () => {
    const r = parseAgentCommandLine(
      [
        "--url",
        "amqp://u:p@mq:5672",
        "--exchange",
        "logstash",
        "--prefix",
        "logs",
        "--logger",
        "nginx",
        "--tag",
        "production1",
        "--tag",
        "cache-server",
        "--state",
        "/var/lib/alco/agent.json",
        "--from-start",
        "--format",
        "clf",
        "/var/log/nginx/*.log",
        "/var/log/app.log",
      ],
      {},
    );
    expect(r).toEqual({
      help: false,
      options: {
        url: "amqp://u:p@mq:5672",
        exchange: "logstash",
        exchangeDurable: true,
        prefix: "logs",
        index: "nginx",
        logger: "nginx",
        tags: ["production1", "cache-server"],
        host: os.hostname(),
        statePath: "/var/lib/alco/agent.json",
        fromStart: true,
        format: "clf",
        patterns: ["/var/log/nginx/*.log", "/var/log/app.log"],
      },
    });
  });

  it("takes the broker from the environment and defaults the rest", () => {
    const r = parseAgentCommandLine(
      ["--logger", "syslog", "--index", "demo", "--state", "s.json", "/var/log/*.log"],
      {
        AMQP_URL: "amqp://env",
        AMQP_EXCHANGE: "ex",
      },
    );
    expect(r.help ? null : r.options).toMatchObject({
      url: "amqp://env",
      exchange: "ex",
      prefix: "agent",
      index: "demo",
      logger: "syslog",
      tags: [],
      fromStart: false,
      format: "auto",
    });
  });

  it("declares the exchange as AMQP_EXCHANGE_DURABLE says, durable when unset", () => {
    const argv = ["--logger", "x", "--state", "s", "a.log"];
    const durable = (source: Record<string, string>) => {
      const r = parseAgentCommandLine(argv, source);
      return r.help ? null : r.options.exchangeDurable;
    };
    expect(durable({})).toBe(true);
    expect(durable({ AMQP_EXCHANGE_DURABLE: "false" })).toBe(false);
  });

  it("refuses a production agent no broker URL was given, and takes --url in place of AMQP_URL", () => {
    const argv = ["--logger", "x", "--state", "s", "a.log"];
    expect(() => parseAgentCommandLine(argv, { NODE_ENV: "production" })).toThrow(/set AMQP_URL/);
    const r = parseAgentCommandLine(["--url", "amqp://mq", ...argv], { NODE_ENV: "production" });
    expect(r.help ? null : r.options.url).toBe("amqp://mq");
  });

  it.each([
    [["--state", "s", "a.log"], /--logger is required/],
    [["--logger", "x", "a.log"], /--state is required/],
    [["--logger", "x", "--state", "s"], /at least one file/],
    [["--logger", "x", "--state", "s", "--format", "xml", "a.log"], /format/],
    [["--logger", "Nginx-Access", "--state", "s", "a.log"], /--index \(defaults to --logger\)/],
    [["--logger", "a b", "--state", "s", "a.log"], /logger/],
    [["--logger", "x", "--state", "s", "--bogus", "a.log"], /bogus/],
  ])("refuses %j", (argv, message) => {
    expect(() => parseAgentCommandLine(argv, {})).toThrow(message);
  });
});
