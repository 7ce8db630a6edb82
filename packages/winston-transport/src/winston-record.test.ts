import { stringifyRecord } from "@alco/amqp-publisher";
import os from "node:os";
import { describe, expect, it } from "vitest";
import winston from "winston";
import TransportStream from "winston-transport";
import { recordContext, winstonRecord } from "./winston-record";

/** The info objects a real winston logger hands its transports. */
function capture(format?: winston.Logform.Format) {
  const infos: Record<string | symbol, unknown>[] = [];
  const logger = winston.createLogger({
    level: "debug",
    ...(format ? { format } : {}),
    transports: [
      new TransportStream({
        log(info: Record<string | symbol, unknown>, next: () => void) {
          infos.push(info);
          next();
        },
      }),
    ],
  });
  const sent = () =>
    infos.map(
      (i) =>
        JSON.parse(stringifyRecord(winstonRecord(i, recordContext("billing")))) as Record<string, unknown>,
    );
  return { logger, sent };
}

describe("winstonRecord", () => {
  it("sends timestamp, level, message, host, pid, logger and the meta, but none of winston's Symbol keys", () => {
    const { logger, sent } = capture(winston.format.combine(winston.format.splat(), winston.format.json()));
    logger.info("order %s paid", "A-17", { orderId: 17, user: { id: 3 } });
    const [r] = sent();
    expect(r).toEqual({
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
      level: "info",
      message: "order A-17 paid",
      host: os.hostname(),
      pid: process.pid,
      logger: "billing",
      orderId: 17,
      user: { id: 3 },
    });
  });

  it("sends the level as logged when colorize() decorated info.level, and keeps format.timestamp()'s time", () => {
    const { logger, sent } = capture(
      winston.format.combine(
        winston.format.timestamp({ format: () => "2026-01-02T03:04:05.678Z" }),
        winston.format.colorize(),
      ),
    );
    logger.warn("careful");
    expect(sent()[0]).toMatchObject({
      level: "warn",
      timestamp: "2026-01-02T03:04:05.678Z",
      message: "careful",
    });
  });

  it("sends an Error in meta with its message and stack", () => {
    const { logger, sent } = capture();
    const err = Object.assign(new Error("card declined"), { code: "E_CARD" });
    logger.error("payment failed", { err });
    expect(sent()[0]).toMatchObject({
      message: "payment failed",
      err: { name: "Error", message: "card declined", stack: err.stack, code: "E_CARD" },
    });
  });

  it("sends an Error logged on its own as its message with the stack beside it", () => {
    const { logger, sent } = capture();
    const err = new Error("boom");
    logger.error(err);
    const r = sent()[0]!;
    expect(r.message).toBe("boom");
    expect(r.stack).toBe(err.stack);
  });

  it("does not throw on circular meta", () => {
    const { logger, sent } = capture();
    const req: Record<string, unknown> = { url: "/pay" };
    req.self = req;
    expect(() => logger.info("request", { req })).not.toThrow();
    expect(sent()[0]).toMatchObject({ message: "request", req: { url: "/pay", self: "[Circular]" } });
  });
});
