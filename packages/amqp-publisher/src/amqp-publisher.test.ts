/** The publisher with RabbitMQ unreachable (a closed port): no broker needed. */
import net from "node:net";
import { describe, expect, it } from "vitest";
import { AmqpPublisher, type PublisherWarning } from "./amqp-publisher";

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function unreachable(opts: { maxBuffer?: number; closeTimeoutMs?: number } = {}) {
  const warnings: PublisherWarning[] = [];
  const publisher = new AmqpPublisher({
    url: `amqp://guest:guest@127.0.0.1:${await closedPort()}`,
    logger: "unit",
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
    closeTimeoutMs: 100,
    onWarning: (w) => warnings.push(w),
    ...opts,
  });
  return { publisher, warnings };
}

describe("AmqpPublisher without RabbitMQ", () => {
  it("neither throws nor waits, keeps the newest maxBuffer records and warns once per interval", async () => {
    const { publisher, warnings } = await unreachable({ maxBuffer: 100 });
    const started = performance.now();
    for (let i = 0; i < 250; i++) publisher.publish({ message: `line ${i}` });
    expect(performance.now() - started).toBeLessThan(200);
    await new Promise((r) => setTimeout(r, 300)); // several failed reconnects
    expect(publisher.stats()).toEqual({
      buffered: 100,
      published: 0,
      confirmed: 0,
      dropped: 150,
      connected: false,
    });
    expect(warnings.filter((w) => w.code === "ALCO_RECORDS_DROPPED")).toHaveLength(1);
    const unavailable = warnings.filter((w) => w.code === "ALCO_RABBITMQ_UNAVAILABLE");
    expect(unavailable).toHaveLength(1);
    expect(unavailable[0]!.error?.message).toMatch(/ECONNREFUSED/);
    await publisher.close();
  });

  it("gives up at closeTimeoutMs on close(), counts what was left as dropped, and drops records logged after", async () => {
    const { publisher, warnings } = await unreachable({ closeTimeoutMs: 300 });
    for (let i = 0; i < 40; i++) publisher.publish({ message: `line ${i}` });
    const started = performance.now();
    const stats = await publisher.close();
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(stats).toMatchObject({ buffered: 0, confirmed: 0, dropped: 40, connected: false });
    expect(warnings.find((w) => w.code === "ALCO_CLOSE_TIMEOUT")?.message).toContain("40 log records");
    publisher.publish({ message: "too late" });
    expect(publisher.stats().dropped).toBe(41);
    expect(await publisher.close()).toBe(stats);
  });

  it("closes at once when nothing is buffered", async () => {
    const { publisher } = await unreachable();
    const started = performance.now();
    await publisher.close();
    expect(performance.now() - started).toBeLessThan(100);
  });

  it("refuses to start without a logger name or a URL", () => {
    expect(() => new AmqpPublisher({ url: "amqp://localhost", logger: "" })).toThrow(/logger is required/);
    expect(() => new AmqpPublisher({ url: "", logger: "x" })).toThrow(/url is required/);
  });
});
