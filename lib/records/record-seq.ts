/**
 * A record's `seq`: its place among the lines of its source that share one millisecond, the second key of the
 * (ts, seq, id) order every read uses (docs/OPERATIONS.md "Order of lines"). Timestamps alone cannot keep a
 * source's order: files carry seconds, apps log many lines per millisecond. seq must come from the message, not
 * from when or how often it arrived, so that a redelivered batch replaces itself in place.
 *
 * Sources, first that applies:
 * - the `x-alco-seq` header, set by whoever knows the order: our publisher (a per-process count), the agent
 *   (file generation and byte offset), HTTP ingest (receive time and line number);
 * - logcollect's record: the microseconds `@timestamp` carries below the millisecond, then its `seq` (which
 *   counts records sharing one `created` time);
 * - anything else: the part of its timestamp below the millisecond, in nanoseconds, then when the collector
 *   received it (a microsecond clock that only goes forward, so the order holds across a collector restart and
 *   between collectors on one machine's clock). Only this last part is not in the message: a redelivered record
 *   from such a producer keeps its id (so it is stored once) but may move among lines of its own millisecond.
 *
 * Values are decimal strings below 2^63 (the engine's signed BIGINT); they only ever compare within one ts.
 */

/** The header the collector reads; @alco/amqp-publisher exports the same name as SEQ_HEADER. */
export const SEQ_HEADER = "x-alco-seq";

const LIMIT_63 = 1n << 63n;

/** The header's value when it is a usable seq (a string or an integer of 0 … 2^63 − 1), else undefined. */
export function seqFromHeader(v: unknown): string | undefined {
  if (typeof v === "number") return Number.isSafeInteger(v) && v >= 0 ? String(v) : undefined;
  if (typeof v === "bigint") return v >= 0n && v < LIMIT_63 ? v.toString() : undefined;
  if (typeof v !== "string" && !Buffer.isBuffer(v)) return undefined;
  const s = v.toString();
  if (!/^(0|[1-9]\d{0,18})$/.test(s) || BigInt(s) >= LIMIT_63) return undefined;
  return s;
}

/** Bits below a line's byte offset in the agent's seq: files up to 1 TiB, 2^23 generations. */
const OFFSET_BITS = 40n;

/** The agent's seq: later generations of a path (after rotation or truncation) come after earlier ones. */
export function fileLineSeq(generation: number, byteOffset: number): string {
  const offset = BigInt(Math.min(Math.max(0, Math.trunc(byteOffset)), 2 ** 40 - 1));
  const gen = BigInt(Math.min(Math.max(0, Math.trunc(generation)), 2 ** 23 - 1));
  return ((gen << OFFSET_BITS) | offset).toString();
}

/** Bits for the line number in HTTP ingest's seq: a body holds at most 50,000 lines (MAX_INGEST_LINES). */
const LINE_BITS = 16n;

/** HTTP ingest's seq: bodies in the order received, lines in the order of the body. */
export function bodyLineSeq(receivedMs: number, line: number): string {
  const l = BigInt(Math.min(Math.max(0, Math.trunc(line)), 2 ** 16 - 1));
  return ((BigInt(Math.trunc(receivedMs)) << LINE_BITS) | l).toString();
}

const LOGCOLLECT_SEQ_BITS = 20n;

/** logcollect's seq: microseconds below the millisecond, then its own `seq` counter. */
export function logcollectSeq(microsInMs: number, recordSeq: unknown): string {
  const n =
    typeof recordSeq === "number" && Number.isSafeInteger(recordSeq) && recordSeq >= 0
      ? Math.min(recordSeq, 2 ** 20 - 1)
      : 0;
  return ((BigInt(microsInMs) << LOGCOLLECT_SEQ_BITS) | BigInt(n)).toString();
}

/**
 * Bits for how long after its own time a record arrived, in microseconds: 2^42 µs is 50 days, beyond any
 * retention a late line is stored under. Below it, 20 bits of nanoseconds (999,999 < 2^20): 62 bits in all.
 */
const DELAY_BITS = 42n;
const DELAY_MAX = (1n << DELAY_BITS) - 1n;

/**
 * Any other producer's seq: nanoseconds below the millisecond (0 … 999,999), then the arrival time. Records of
 * one millisecond compare by arrival; it is stored as the delay after `ts` because the absolute time in
 * microseconds would not fit beside the nanoseconds.
 */
export function arrivalSeq(nanosInMs: number, tsMs: number, arrivedMicros: number): string {
  let delay = BigInt(Math.trunc(arrivedMicros)) - BigInt(Math.trunc(tsMs)) * 1000n;
  if (delay < 0n) delay = 0n;
  if (delay > DELAY_MAX) delay = DELAY_MAX;
  return ((BigInt(nanosInMs) << DELAY_BITS) | delay).toString();
}

/**
 * Epoch microseconds that never repeat or go back within the process: two messages handled within one
 * microsecond still arrive one after the other. A restarted collector starts from the wall clock, after every
 * value its predecessor gave unless the clock was set back.
 */
export function arrivalClock(now: () => number = () => performance.timeOrigin + performance.now()) {
  let last = 0;
  return (): number => {
    last = Math.max(last + 1, Math.floor(now() * 1000));
    return last;
  };
}
