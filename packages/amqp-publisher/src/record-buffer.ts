/**
 * The records a publisher holds until RabbitMQ confirms them, oldest first. A record is `pending` (to be sent),
 * `sent` (waiting for its confirm), and leaves as `confirmed` or `dropped`. Records go out in arrival order; after
 * a reconnect everything not confirmed goes out again (`rewind`); a nacked one goes out again on its own
 * (`requeue`, then `releaseRequeued`). When the buffer is full the oldest record is dropped to make room.
 */

export type RecordState = "pending" | "sent" | "confirmed" | "dropped";

export type BufferedRecord<T> = {
  readonly payload: T;
  state: RecordState;
};

/** Settled records at the front are cut off in one slice once this many have piled up. */
const COMPACT_AFTER = 4096;

export class RecordBuffer<T> {
  /** Arrival order. Settled records stay until everything before them has settled too. */
  private items: BufferedRecord<T>[] = [];
  /** Index of the oldest record that may still be live. */
  private head = 0;
  /** Index of the next record to send. */
  private cursor = 0;
  /** Nacked records, sent before anything else once released. */
  private retries: BufferedRecord<T>[] = [];
  private requeued: BufferedRecord<T>[] = [];
  private live = 0;

  /** `capacity`: a positive integer, or Infinity for a caller that bounds what it adds itself. */
  constructor(readonly capacity: number) {
    if (!(capacity === Infinity || Number.isInteger(capacity)) || capacity < 1)
      throw new RangeError("capacity must be a positive integer or Infinity");
  }

  /** Records not yet confirmed (pending or sent). */
  get size(): number {
    return this.live;
  }

  get hasRequeued(): boolean {
    return this.requeued.length > 0;
  }

  /** Adds a record; when the buffer is full the oldest record is dropped first and returned. */
  push(payload: T): BufferedRecord<T> | undefined {
    const dropped = this.live >= this.capacity ? this.dropOldest() : undefined;
    this.items.push({ payload, state: "pending" });
    this.live++;
    return dropped;
  }

  /** The next record to send, now marked `sent`, or undefined when there is none. */
  take(): BufferedRecord<T> | undefined {
    let r: BufferedRecord<T> | undefined;
    while ((r = this.retries.shift())) if (r.state === "pending") return this.markSent(r);
    while (this.cursor < this.items.length) {
      r = this.items[this.cursor++]!;
      if (r.state === "pending") return this.markSent(r);
    }
    return undefined;
  }

  /** Marks a sent record confirmed; false if it had already left (dropped while in flight). */
  confirm(r: BufferedRecord<T>): boolean {
    if (r.state !== "sent") return false;
    r.state = "confirmed";
    this.live--;
    this.trim();
    return true;
  }

  /** A sent record that must go out again (nacked, or its channel closed): held until `releaseRequeued`. */
  requeue(r: BufferedRecord<T>): void {
    if (r.state !== "sent") return;
    r.state = "pending";
    this.requeued.push(r);
  }

  releaseRequeued(): void {
    this.retries.push(...this.requeued);
    this.requeued = [];
  }

  /** On a fresh channel nothing is in flight: every record not confirmed is sent again, oldest first. */
  rewind(): void {
    for (let i = this.head; i < this.items.length; i++) {
      const r = this.items[i]!;
      if (r.state === "sent") r.state = "pending";
    }
    this.cursor = this.head;
    this.retries = [];
    this.requeued = [];
  }

  /** Drops every record still held, telling `onDropped` of each, and returns how many there were. */
  dropAll(onDropped?: (r: BufferedRecord<T>) => void): number {
    const n = this.live;
    for (let i = this.head; i < this.items.length; i++) {
      const r = this.items[i]!;
      if (r.state === "pending" || r.state === "sent") {
        r.state = "dropped";
        onDropped?.(r);
      }
    }
    this.items = [];
    this.head = this.cursor = this.live = 0;
    this.retries = [];
    this.requeued = [];
    return n;
  }

  private markSent(r: BufferedRecord<T>): BufferedRecord<T> {
    r.state = "sent";
    return r;
  }

  private dropOldest(): BufferedRecord<T> {
    this.trim();
    const r = this.items[this.head]!;
    r.state = "dropped";
    this.live--;
    this.head++;
    this.trim();
    return r;
  }

  /** Moves the head past settled records and compacts once enough of them have piled up. */
  private trim(): void {
    while (this.head < this.items.length) {
      const s = this.items[this.head]!.state;
      if (s !== "confirmed" && s !== "dropped") break;
      this.head++;
    }
    if (this.cursor < this.head) this.cursor = this.head;
    if (this.head >= COMPACT_AFTER && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.cursor -= this.head;
      this.head = 0;
    }
  }
}
