/**
 * winston transport for alco: each log call becomes one JSON record published to RabbitMQ with publisher confirms
 * (@alco/amqp-publisher holds the buffer, the reconnects and the flush on close).
 *
 * winston conventions: `logger.end()` ends each transport and waits for its 'finish', which here comes once every
 * buffered record is confirmed (or `closeTimeoutMs` passed); `logger.close()` unpipes the transport, which calls
 * `close()`: the same flush, then 'close'. Warnings (records dropped, RabbitMQ unavailable) are emitted as 'warn'
 * events, which the logger re-emits, at most once per `warnIntervalMs` each; never as 'error', which would crash an
 * app that does not listen for it.
 */
import {
  AmqpPublisher,
  emitProcessWarning,
  type PublisherOptions,
  type PublisherStats,
} from "@alco/amqp-publisher";
import TransportStream from "winston-transport";
import { recordContext, winstonRecord, type RecordContext } from "./winston-record.js";

/** winston's transport options (level, format, ...) and the publisher's; `onWarning` defaults to
 *  `process.emitWarning`, so that nothing is dropped unseen, and is called besides the 'warn' event. */
export type AlcoTransportOptions = TransportStream.TransportStreamOptions & PublisherOptions;

export class AlcoTransport extends TransportStream {
  private readonly publisher: AmqpPublisher;
  private readonly context: RecordContext;
  private closing: Promise<PublisherStats> | undefined;

  constructor(options: AlcoTransportOptions) {
    super(options);
    this.context = recordContext(options.logger);
    const report = options.onWarning ?? emitProcessWarning;
    this.publisher = new AmqpPublisher({
      ...options,
      onWarning: (w) => {
        this.emit("warn", Object.assign(new Error(w.message), { code: w.code, stats: w.stats }));
        report(w);
      },
    });
  }

  log(info: Record<string | symbol, unknown>, next: () => void): void {
    this.publisher.publish(winstonRecord(info, this.context));
    setImmediate(() => this.emit("logged", info));
    next();
  }

  /** Records buffered, published, confirmed and dropped so far. */
  stats(): PublisherStats {
    return this.publisher.stats();
  }

  /** Records given up on: the oldest when the buffer overflowed, or left unconfirmed when close() timed out. */
  get dropped(): number {
    return this.publisher.stats().dropped;
  }

  /** Flushes (waits for confirms, at most `closeTimeoutMs`), closes the connection, then emits 'close'. */
  close(): void {
    void this.shutdown();
  }

  _final(callback: (error?: Error | null) => void): void {
    this.shutdown().then(
      () => callback(),
      (err: Error) => callback(err),
    );
  }

  /** close() as a promise of the final counts; every call returns the same promise. */
  shutdown(): Promise<PublisherStats> {
    this.closing ??= this.publisher.close().then((stats) => {
      setImmediate(() => this.emit("close"));
      return stats;
    });
    return this.closing;
  }
}
