import { describe, expect, it } from "vitest";
import { firstLineCommands, shellArg, topicMatches } from "./first-line-commands";

const target = {
  origin: "http://localhost:3000",
  index: "shop",
  routingKeys: ["*.shop.#"],
  exchange: "logstash",
};

describe("topicMatches", () => {
  it("reads * as one word and # as any number of words, as RabbitMQ does", () => {
    expect(topicMatches("*.shop.#", "logstash.shop")).toBe(true);
    expect(topicMatches("*.shop.#", "agent.shop.nginx.access")).toBe(true);
    expect(topicMatches("*.shop.#", "shop")).toBe(false);
    expect(topicMatches("*.shop.#", "a.b.shop")).toBe(false);
    expect(topicMatches("#", "anything.at.all")).toBe(true);
    expect(topicMatches("a.#.z", "a.z")).toBe(true);
    expect(topicMatches("a.#.z", "a.b.c.z")).toBe(true);
    expect(topicMatches("a.*", "a")).toBe(false);
    expect(topicMatches("shop", "shop")).toBe(true);
  });
});

describe("shellArg", () => {
  it("leaves a plain word bare and single-quotes anything the shell would read", () => {
    expect(shellArg("http://localhost:3000/api/ingest/shop")).toBe("http://localhost:3000/api/ingest/shop");
    expect(shellArg('{"message":"hi"}')).toBe(`'{"message":"hi"}'`);
    expect(shellArg("it's")).toBe(`'it'\\''s'`);
    expect(shellArg("/var/log/*.log")).toBe("'/var/log/*.log'");
  });
});

describe("firstLineCommands", () => {
  it("gives the default binding's commands: HTTP ingest with the token from the shell, winston, the agent", () => {
    const c = firstLineCommands(target);
    expect(c.curl).toBe(
      `curl -X POST -H "Authorization: Bearer $ALCO_INGEST_TOKEN" --data-binary '{"message":"my first line"}' http://localhost:3000/api/ingest/shop`,
    );
    expect(c.winston).toBe(
      [
        'import winston from "winston";',
        'import { AlcoTransport } from "@alco/winston-transport";',
        "",
        'const transport = new AlcoTransport({ url: "amqp://user:password@rabbitmq-host:5672", logger: "shop" });',
        "const logger = winston.createLogger({ transports: [transport] });",
        'logger.info("my first line");',
      ].join("\n"),
    );
    expect(c.agent).toBe(
      "AMQP_URL=amqp://user:password@rabbitmq-host:5672 alco agent --index shop --logger app " +
        "--state /var/lib/alco/agent-shop.json '/var/log/app/*.log'",
    );
  });

  it("names an exchange other than the default in both publishers", () => {
    const c = firstLineCommands({ ...target, exchange: "logs" });
    expect(c.winston).toContain('exchange: "logs", logger: "shop"');
    expect(c.agent).toContain("alco agent --exchange logs --index shop");
    expect(c.curl).not.toContain("logs");
  });

  it("fits the publishers' routing keys to bindings an admin changed", () => {
    const c = firstLineCommands({ ...target, routingKeys: ["billing.shop.*"] });
    // winston sends <prefix>.<logger>; the agent <prefix>.<index>.<logger>.
    expect(c.winston).toContain('prefix: "billing.shop", logger: "app"');
    expect(c.agent).toContain("--prefix billing --index shop --logger app");
    const single = firstLineCommands({ ...target, routingKeys: ["shop"] });
    expect(single.winston).toBeNull();
    expect(single.agent).toBeNull();
    expect(single.curl).toContain("/api/ingest/shop");
  });

  it("quotes an address the shell would split", () => {
    expect(firstLineCommands({ ...target, origin: "http://[::1]:3000" }).curl).toMatch(
      / 'http:\/\/\[::1\]:3000\/api\/ingest\/shop'$/,
    );
  });
});
