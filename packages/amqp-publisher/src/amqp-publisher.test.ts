/**
 * The publisher with RabbitMQ unreachable (a closed port): no broker needed. No wall-clock bounds: what must not
 * wait is shown to be done before the event loop turns, and what must wait runs on fake timers.
 */
import amqp from "amqplib";
import net from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  AmqpPublisher,
  type PublisherEvent,
  type PublisherOptions,
  type PublisherWarning,
} from "./amqp-publisher";

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function unreachable(opts: Pick<PublisherOptions, "maxBuffer" | "closeTimeoutMs" | "onEvent"> = {}) {
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

/** Whether a promise has settled, readable at any moment. */
function tracked<T>(p: Promise<T>): { readonly settled: boolean } {
  const state = { settled: false };
  void p.then(() => (state.settled = true));
  return state;
}

/** Lets every callback already queued run (microtasks, then the check phase), without letting time pass. */
const oneLoopTurn = () => new Promise((r) => setImmediate(r));

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("AmqpPublisher without RabbitMQ", () => {
  it("neither throws nor waits, keeps the newest maxBuffer records and warns once per interval", async () => {
    const connects = vi.spyOn(amqp, "connect");
    const { publisher, warnings } = await unreachable({ maxBuffer: 100 });
    for (let i = 0; i < 250; i++) publisher.publish({ message: `line ${i}` });
    // Done before the event loop turned, so before the first connection attempt could even fail: nothing waited.
    expect(publisher.stats()).toMatchObject({ buffered: 100, dropped: 150, connected: false });
    expect(warnings.filter((w) => w.code === "ALCO_RABBITMQ_UNAVAILABLE")).toEqual([]);

    await vi.waitFor(() => expect(connects.mock.calls.length).toBeGreaterThanOrEqual(3), { timeout: 30_000 });
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
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { publisher, warnings } = await unreachable({ closeTimeoutMs: 300 });
    for (let i = 0; i < 40; i++) publisher.publish({ message: `line ${i}` });
    const closing = publisher.close();
    const close = tracked(closing);
    await vi.advanceTimersByTimeAsync(299);
    expect(close.settled).toBe(false);
    expect(publisher.stats()).toMatchObject({ buffered: 40, dropped: 0 });
    await vi.advanceTimersByTimeAsync(1);
    await oneLoopTurn();
    expect(close.settled).toBe(true);
    const stats = await closing;
    expect(stats).toMatchObject({ buffered: 0, confirmed: 0, dropped: 40, connected: false });
    expect(warnings.find((w) => w.code === "ALCO_CLOSE_TIMEOUT")?.message).toContain("40 log records");
    publisher.publish({ message: "too late" });
    expect(publisher.stats().dropped).toBe(41);
    expect(await publisher.close()).toBe(stats);
  });

  it("closes at once when nothing is buffered", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { publisher } = await unreachable({ closeTimeoutMs: 60_000 });
    const close = tracked(publisher.close());
    await oneLoopTurn();
    expect(close.settled).toBe(true);
  });

  it("rejects the promise of send() for a record it drops, and reports each failed attempt", async () => {
    const events: PublisherEvent[] = [];
    const { publisher } = await unreachable({ maxBuffer: 2, onEvent: (e) => events.push(e) });
    const results = [1, 2, 3].map((n) =>
      publisher.send({ body: Buffer.from(`{"n":${n}}`) }).then(
        () => "confirmed",
        (err: Error) => err.message,
      ),
    );
    expect(await results[0]).toMatch(/buffer was full/);
    await vi.waitFor(() => expect(events.length).toBeGreaterThanOrEqual(2), { timeout: 30_000 });
    expect(events.slice(0, 2)).toMatchObject([
      { type: "connect-failed", attempt: 1 },
      { type: "connect-failed", attempt: 2 },
    ]);
    publisher.abandon();
    expect(await Promise.all(results.slice(1))).toEqual(["publisher abandoned", "publisher abandoned"]);
    expect(publisher.stats()).toMatchObject({ buffered: 0, dropped: 3 });
    expect(await publisher.close()).toMatchObject({ buffered: 0, dropped: 3, connected: false });
    expect(await publisher.send({ body: Buffer.from("{}") }).catch((err: Error) => err.message)).toBe(
      "publisher closed",
    );
  });

  it("without a close timeout, keeps waiting on close() for as long as RabbitMQ is away", async () => {
    const { publisher } = await unreachable({ maxBuffer: Infinity, closeTimeoutMs: Infinity });
    const sent = tracked(publisher.send({ body: Buffer.from("{}") }).catch(() => undefined));
    const close = tracked(publisher.close());
    // Many reconnect attempts (5 to 20 ms apart) later, still waiting.
    await new Promise((r) => setTimeout(r, 500));
    expect(close.settled).toBe(false);
    expect(sent.settled).toBe(false);
    expect(publisher.stats()).toMatchObject({ buffered: 1, dropped: 0 });
    publisher.abandon();
    await oneLoopTurn();
    expect(sent.settled).toBe(true);
  });

  it("refuses to start without a logger name or a URL", () => {
    expect(() => new AmqpPublisher({ url: "amqp://localhost", logger: "" })).toThrow(/logger is required/);
    expect(() => new AmqpPublisher({ url: "", logger: "x" })).toThrow(/url is required/);
  });
});
