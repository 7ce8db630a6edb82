/**
 * Follows one file, identified by (device, inode) and read through its own open descriptor, so a file renamed
 * or deleted by rotation is still read to its end. Each poll: stat the descriptor; if the file shrank below what
 * was read, or its first bytes changed (copytruncate followed by new writes), start a new generation at byte 0;
 * then read whole lines, parse them, join multi-line records, and hand records to `send`.
 *
 * Offsets. Every record and every skipped line (blank, W3C directive) takes a place in a queue in file order;
 * a record's place is done when the broker confirms it. The file's committed offset is the end of the longest
 * done prefix, so it only ever covers lines whose records are confirmed, and a restart from it neither skips nor
 * re-sends a line. Lines read but still held (a multi-line record waiting for more, a line without its newline)
 * are not committed and are read again after a restart.
 *
 * Bounds: reading stops while the caller reports no capacity (records awaiting confirms), a line longer than
 * `maxLineBytes` is cut into pieces at UTF-8 boundaries, and the read buffer holds at most one chunk plus one line.
 */
import { createHash, randomUUID } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import {
  createLineParser,
  type LineFormat,
  type LineParser,
  type ParsedLine,
  type ParserState,
} from "./line-parsers";
import { MultilineJoiner, type MultilineOptions } from "./multiline";
import type { OffsetEntry, OffsetStore } from "./offset-store";

export type TailedRecord = {
  /** The file generation (offset-store.ts): with `start`, what the message id is made of. */
  fileId: string;
  /** The generation's number (offset-store.ts): with `start`, the line's seq. */
  generation: number;
  path: string;
  start: number;
  end: number;
  parsed: ParsedLine;
  message: string;
  readAt: number;
};

export type TailerContext = {
  format: LineFormat;
  multiline: MultilineOptions;
  maxLineBytes: number;
  chunkBytes: number;
  /** Whether another record may be sent now. */
  hasCapacity: () => boolean;
  /** Publishes a record; resolves when the broker has confirmed it. */
  send: (record: TailedRecord) => Promise<void>;
  store: OffsetStore;
  saveDelayMs: number;
  log: (line: string) => void;
  now: () => number;
};

type Place = { end: number; done: boolean; fileId: string; generation: number; parser: ParserState };

/** Bytes of the file's head that identify it (offset-store.ts). */
export const FINGERPRINT_BYTES = 1024;

function hashHead(buf: Buffer): string {
  return createHash("sha256").update(buf).digest("hex").slice(0, 32);
}

async function readHead(fh: FileHandle, size: number): Promise<Buffer> {
  const n = Math.min(size, FINGERPRINT_BYTES);
  const buf = Buffer.alloc(n);
  const { bytesRead } = await fh.read(buf, 0, n, 0);
  return buf.subarray(0, bytesRead);
}

export async function fingerprint(fh: FileHandle, size: number): Promise<{ fpLen: number; fp: string }> {
  const head = await readHead(fh, size);
  return { fpLen: head.length, fp: hashHead(head) };
}

/** Whether the file still begins with the bytes `entry` fingerprinted. */
export async function fingerprintMatches(fh: FileHandle, size: number, entry: OffsetEntry): Promise<boolean> {
  if (size < entry.fpLen) return false;
  const head = await readHead(fh, entry.fpLen);
  return head.length === entry.fpLen && hashHead(head) === entry.fp;
}

/** Where reading "from the end" starts: after the last newline, so a line being written is read whole. */
export async function endOfLastLine(fh: FileHandle, size: number): Promise<number> {
  const window = Math.min(size, 64 * 1024);
  const buf = Buffer.alloc(window);
  const { bytesRead } = await fh.read(buf, 0, window, size - window);
  const nl = buf.subarray(0, bytesRead).lastIndexOf(0x0a);
  return nl === -1 ? size : size - window + nl + 1;
}

export function newFileEntry(
  path: string,
  identity: { dev: string; ino: string },
  offset: number,
  fp: { fpLen: number; fp: string },
): OffsetEntry {
  return { id: randomUUID(), path, ...identity, offset, ...fp };
}

/** The longest prefix of `buf[from, to)` that does not end inside a UTF-8 sequence (at least one byte). */
function utf8Cut(buf: Buffer, from: number, to: number): number {
  let cut = to;
  while (cut > from + 1 && (buf[cut]! & 0xc0) === 0x80) cut--;
  return cut;
}

export class FileTailer {
  /** Rotated away or deleted: no matched path leads to this file any more. */
  detached = false;
  private readPos: number;
  private carry: Buffer = Buffer.alloc(0);
  private parser: LineParser;
  private joiner: MultilineJoiner;
  private readonly places: Place[] = [];
  private heldPlace: Place | null = null;
  private size = 0;
  private lastChange = "";
  private lastGrowthAt: number;
  private renamed = false;

  constructor(
    private readonly fh: FileHandle,
    readonly key: string,
    /** Where the file was last seen. */
    public path: string,
    private entry: OffsetEntry,
    private readonly ctx: TailerContext,
  ) {
    this.readPos = entry.offset;
    this.parser = createLineParser(ctx.format, { w3cFields: entry.w3cFields });
    this.joiner = new MultilineJoiner(ctx.multiline);
    this.lastGrowthAt = ctx.now();
  }

  get offset(): number {
    return this.entry.offset;
  }

  get position(): number {
    return this.readPos;
  }

  get entryId(): string {
    return this.entry.id;
  }

  /** Detached and read to its end, with nothing held back: a successor at its path may start. */
  get drained(): boolean {
    return this.detached && this.readPos >= this.size && this.carry.length === 0 && !this.joiner.held;
  }

  canRetire(nowMs: number, graceMs: number): boolean {
    return this.drained && this.places.length === 0 && nowMs - this.lastGrowthAt >= graceMs;
  }

  /** Renamed to another matched path (rotation by rename under a glob that matches both names). */
  rename(path: string): void {
    this.path = path;
    this.entry.path = path;
    this.renamed = true;
  }

  /** Reads what is new. Returns false when it stopped for lack of capacity with more to read. */
  async poll(): Promise<boolean> {
    const now = this.ctx.now();
    const st = await this.fh.stat({ bigint: true });
    const size = Number(st.size);
    const change = `${size}:${st.mtimeNs}`;
    if (change !== this.lastChange) {
      this.lastChange = change;
      if (size < this.readPos) await this.restart(`shrank to ${size} bytes (truncated)`, size);
      else if (!(await this.checkFingerprint(size)))
        await this.restart("has new content from its first byte (truncated and written again)", size);
      if (size > this.size) this.lastGrowthAt = now;
      this.size = size;
    }
    if (!this.consumeLines(now, false)) return false;
    while (this.readPos < this.size) {
      if (!this.ctx.hasCapacity()) return false;
      const n = Math.min(this.ctx.chunkBytes, this.size - this.readPos);
      const buf = Buffer.allocUnsafe(n);
      const { bytesRead } = await this.fh.read(buf, 0, n, this.readPos);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      this.carry = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
      this.readPos += bytesRead;
      if (!this.consumeLines(now, false)) return false;
    }
    // A rotated file is finished before its successor starts: its last line and held record go out now.
    if (this.detached && this.readPos >= this.size) this.flushAll(now);
    else if (this.joiner.idle(now) || this.renamed) this.sendHeld();
    this.renamed = false;
    return true;
  }

  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }

  private async checkFingerprint(size: number): Promise<boolean> {
    if (this.entry.fpLen >= FINGERPRINT_BYTES) return fingerprintMatches(this.fh, size, this.entry);
    if (size < this.entry.fpLen) return false;
    const head = await readHead(this.fh, size);
    if (hashHead(head.subarray(0, this.entry.fpLen)) !== this.entry.fp) return false;
    this.entry.fpLen = head.length;
    this.entry.fp = hashHead(head);
    return true;
  }

  /** A new generation of the same file from byte 0, after what is left of the old one has been sent. */
  private async restart(reason: string, size: number): Promise<void> {
    this.ctx.log(`${this.path} ${reason}: reading it again from the start`);
    this.flushAll(this.ctx.now());
    const old = this.entry;
    this.entry = newFileEntry(old.path, { dev: old.dev, ino: old.ino }, 0, await fingerprint(this.fh, size));
    this.ctx.store.delete(old.id);
    this.ctx.store.put(this.entry);
    this.readPos = 0;
    this.carry = Buffer.alloc(0);
    this.parser = createLineParser(this.ctx.format);
    this.joiner = new MultilineJoiner(this.ctx.multiline);
    // The new generation's id is on disk before any of its records is sent (its message ids depend on it).
    await this.ctx.store.save();
  }

  /**
   * Splits the buffered bytes into lines and handles them. Without `force`, stops (returning false) when there
   * is no capacity left and keeps an unfinished last line; with it, everything goes, the last piece as a line.
   */
  private consumeLines(now: number, force: boolean): boolean {
    const buf = this.carry;
    const base = this.readPos - buf.length;
    let pos = 0;
    let complete = true;
    while (pos < buf.length) {
      const nl = buf.indexOf(0x0a, pos);
      let lineEnd: number;
      let next: number;
      if (nl !== -1 && nl - pos <= this.ctx.maxLineBytes) {
        lineEnd = nl;
        next = nl + 1;
      } else if (buf.length - pos > this.ctx.maxLineBytes) {
        lineEnd = next = utf8Cut(buf, pos, pos + this.ctx.maxLineBytes);
      } else if (force) {
        lineEnd = next = buf.length;
      } else break;
      if (!force && !this.ctx.hasCapacity()) {
        complete = false;
        break;
      }
      let text = buf.toString("utf8", pos, lineEnd);
      if (text.endsWith("\r")) text = text.slice(0, -1);
      this.handleLine(text, base + pos, base + next, now);
      pos = next;
    }
    // Copied, so a small remainder does not keep a whole chunk alive.
    this.carry = pos === 0 ? buf : Buffer.from(buf.subarray(pos));
    return complete;
  }

  private handleLine(text: string, start: number, end: number, now: number): void {
    if (text.trim() === "") {
      if (this.joiner.extendBlank(end, now)) this.heldPlace!.end = end;
      else this.skip(end);
      return;
    }
    if (this.joiner.tryAppend(text, end, now)) {
      this.heldPlace!.end = end;
      return;
    }
    this.sendHeld();
    const parsed = this.parser.parse(text, now);
    if (!parsed) {
      this.skip(end);
      return;
    }
    const place = this.take(end);
    if (MultilineJoiner.holds(parsed)) {
      this.joiner.hold(parsed, start, end, now);
      this.heldPlace = place;
    } else {
      this.send(place, { parsed, message: parsed.message, start, end, readAt: now });
    }
  }

  private flushAll(now: number): void {
    if (this.carry.length) this.consumeLines(now, true);
    this.sendHeld();
  }

  private sendHeld(): void {
    const held = this.joiner.take();
    if (!held) return;
    const place = this.heldPlace!;
    this.heldPlace = null;
    const { record, message } = held;
    this.send(place, {
      parsed: record.head,
      message,
      start: record.start,
      end: record.end,
      readAt: record.readAt,
    });
  }

  private take(end: number): Place {
    const place = {
      end,
      done: false,
      fileId: this.entry.id,
      generation: this.entry.gen ?? 0,
      parser: this.parser.snapshot(),
    };
    this.places.push(place);
    return place;
  }

  private skip(end: number): void {
    this.take(end).done = true;
    this.advance();
  }

  private send(place: Place, r: Omit<TailedRecord, "fileId" | "generation" | "path">): void {
    this.ctx.send({ ...r, fileId: place.fileId, generation: place.generation, path: this.path }).then(
      () => {
        place.done = true;
        this.advance();
      },
      // Only an abandoned publisher rejects: the offset stays where it was and the line is read again.
      () => undefined,
    );
  }

  private advance(): void {
    let moved = false;
    while (this.places[0]?.done) {
      const p = this.places.shift()!;
      if (p.fileId !== this.entry.id || p.end <= this.entry.offset) continue;
      this.entry.offset = p.end;
      if (p.parser.w3cFields) this.entry.w3cFields = p.parser.w3cFields;
      else delete this.entry.w3cFields;
      moved = true;
    }
    if (moved) this.ctx.store.scheduleSave(this.ctx.saveDelayMs);
  }
}
