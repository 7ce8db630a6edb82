/**
 * Syslog over TCP is a byte stream; RFC 6587 names the two ways senders cut it into messages, and a sender may
 * switch between them from one message to the next, so each frame says which it is by its first byte:
 *
 * - octet counting (section 3.4.1): `MSG-LEN SP SYSLOG-MSG`, MSG-LEN in decimal, no leading zero;
 * - non-transparent framing (section 3.4.2): the message, then LF (a CR before it is dropped too).
 *
 * Digits followed by anything but a space start a line, not a count (a sender without PRI). A frame over the
 * size bound is refused with its reason and skipped (by its count, or up to its LF), and the stream goes on: one
 * bad frame costs that frame only.
 */
export type Frame = { ok: true; data: Buffer } | { ok: false; reason: string };

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;

export class SyslogFramer {
  private buffer: Buffer = Buffer.alloc(0);
  /** Bytes still to skip of a refused frame: a count, or Infinity to skip up to the next LF. */
  private skipping = 0;

  constructor(private readonly maxBytes: number) {}

  /** The frames `chunk` completes, in order. */
  push(chunk: Buffer): Frame[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const frames: Frame[] = [];
    let at = 0;
    for (;;) {
      if (this.skipping === Infinity) {
        const lf = this.buffer.indexOf(LF, at);
        if (lf === -1) {
          at = this.buffer.length;
          break;
        }
        at = lf + 1;
        this.skipping = 0;
      } else if (this.skipping > 0) {
        const n = Math.min(this.skipping, this.buffer.length - at);
        at += n;
        this.skipping -= n;
        if (this.skipping > 0) break;
      }
      // Blank lines between frames are no frames.
      while (at < this.buffer.length && (this.buffer[at] === LF || this.buffer[at] === CR)) at++;
      if (at >= this.buffer.length) break;
      const next = isDigit(this.buffer[at]!) ? this.counted(at, frames) : this.lineEnded(at, frames);
      if (next === null) break;
      at = next;
    }
    this.buffer = this.buffer.subarray(at);
    return frames;
  }

  /** What is left when the stream ends: a last line without its LF is a message too. */
  end(): Frame[] {
    const rest = this.skipping > 0 ? Buffer.alloc(0) : this.buffer;
    this.buffer = Buffer.alloc(0);
    this.skipping = 0;
    if (rest.length === 0) return [];
    if (/^[1-9]\d* /.test(rest.toString("latin1", 0, 12)))
      return [{ ok: false, reason: "the stream ended inside an octet-counted frame" }];
    return rest.toString("latin1").trim() === "" ? [] : [{ ok: true, data: trimCr(rest) }];
  }

  /** The offset after an octet-counted frame at `at`, or null when it is not all here yet. */
  private counted(at: number, frames: Frame[]): number | null {
    let i = at;
    while (i < this.buffer.length && i - at <= 10 && isDigit(this.buffer[i]!)) i++;
    if (i >= this.buffer.length) return null;
    // Digits not followed by a space are no MSG-LEN: a line of a sender without PRI, read as a line.
    if (this.buffer[i] !== SP || this.buffer[at] === 0x30) return this.lineEnded(at, frames);
    const length = Number(this.buffer.toString("latin1", at, i));
    const start = i + 1;
    if (length > this.maxBytes) {
      frames.push({ ok: false, reason: `frame of ${length} bytes is over the limit of ${this.maxBytes}` });
      this.skipping = length;
      return start;
    }
    if (this.buffer.length - start < length) return null;
    frames.push({ ok: true, data: trimLf(this.buffer.subarray(start, start + length)) });
    return start + length;
  }

  private lineEnded(at: number, frames: Frame[]): number | null {
    const lf = this.buffer.indexOf(LF, at);
    if (lf === -1) {
      if (this.buffer.length - at > this.maxBytes) {
        frames.push({ ok: false, reason: `line of more than ${this.maxBytes} bytes without LF` });
        this.skipping = Infinity;
        return this.buffer.length;
      }
      return null;
    }
    if (lf - at > this.maxBytes) {
      frames.push({ ok: false, reason: `line of ${lf - at} bytes is over the limit of ${this.maxBytes}` });
      return lf + 1;
    }
    frames.push({ ok: true, data: trimCr(this.buffer.subarray(at, lf)) });
    return lf + 1;
  }
}

function trimCr(b: Buffer): Buffer {
  return b.length && b[b.length - 1] === CR ? b.subarray(0, -1) : b;
}

/** Senders that count octets sometimes count a trailing LF in too; it belongs to no message. */
export function trimLf(b: Buffer): Buffer {
  let end = b.length;
  while (end > 0 && (b[end - 1] === LF || b[end - 1] === CR || b[end - 1] === 0)) end--;
  return b.subarray(0, end);
}
