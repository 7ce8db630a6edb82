/**
 * pino transport for alco: runs in pino's worker thread (`pino.transport({ target: "@alco/pino-transport",
 * options })`) and publishes each line to RabbitMQ with publisher confirms (@alco/amqp-publisher holds the buffer,
 * the reconnects and the flush on close).
 *
 * Ending the transport (`transport.end()`, or pino's own exit hook) closes it: every buffered line is confirmed
 * first, at most `closeTimeoutMs`. pino's main thread waits at most 10 s for that, so the default here is 8 s.
 * `logger.flush(cb)` calls back once every line so far is confirmed. Warnings go to the worker's stderr through
 * `process.emitWarning` (functions cannot cross into the worker).
 */
import { AmqpPublisher, type PublisherOptions } from "@alco/amqp-publisher";
import build from "pino-abstract-transport";
import { pinoRecord, recordTime } from "./pino-record.js";

export type AlcoPinoTransportOptions = Omit<PublisherOptions, "onWarning">;

/** pino calls this in its worker with the `options` given to pino.transport() and writes the lines to the stream. */
export default function alcoPinoTransport(options: AlcoPinoTransportOptions) {
  const publisher = new AmqpPublisher({ closeTimeoutMs: 8000, ...options });
  const send = (line: unknown) => {
    const record = pinoRecord(line, options.logger);
    publisher.publish(record, recordTime(record));
  };
  const stream = build(
    async (source) => {
      source.on("unknown", (line: string) => send(line));
      for await (const line of source) send(line);
    },
    {
      close: async () => {
        await publisher.close();
      },
    },
  );
  return Object.assign(stream, {
    /** Called by pino's `logger.flush()`: resolves once everything logged so far is confirmed. */
    flush: async () => {
      await publisher.flush();
    },
  });
}

export { pinoRecord } from "./pino-record.js";
