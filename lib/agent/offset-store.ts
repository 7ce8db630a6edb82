/**
 * The agent's state file: for each file it tails, how far its records are confirmed by RabbitMQ. An entry is one
 * generation of one file: `id` is minted when the agent first sees the file (or sees it truncated) and goes into
 * every message id, so a line re-sent after a crash gets the id it had and the collector stores it once, while a
 * new file that reuses a deleted file's inode number cannot collide with it. `fp` is a hash of the file's first
 * `fpLen` bytes (at most 1 KiB): on restart it tells the same file from a different one under a reused inode, or
 * one that was truncated and written again while the agent was stopped. `gen` numbers generations in the order
 * the agent first saw them (never reused, `lastGen` remembers the highest): with a line's byte offset it is the
 * line's seq, so that lines of a rotated file come before its successor's when they share a second.
 *
 * Writes are atomic (temporary file, fsync, rename, fsync of the directory): after a crash the file holds either
 * the previous state or the new one. Saves are coalesced: commits schedule one save within a short delay,
 * and writes never overlap. A state file that exists but cannot be read stops the agent: starting over would
 * either skip or re-send every file.
 */
import { mkdir, open, readFile, rename } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

const entrySchema = z.object({
  id: z.string().min(1),
  path: z.string(),
  dev: z.string(),
  ino: z.string(),
  /** End of the last line of the last record confirmed, in bytes from the start of the file. */
  offset: z.number().int().min(0),
  fpLen: z.number().int().min(0),
  fp: z.string(),
  /** W3C `#Fields:` in force at `offset`. */
  w3cFields: z.array(z.string()).optional(),
  /** Missing in state files written before it existed: given one when loaded. */
  gen: z.number().int().min(0).optional(),
});
export type OffsetEntry = z.infer<typeof entrySchema>;

const stateSchema = z.object({
  version: z.literal(1),
  lastGen: z.number().int().min(0).optional(),
  files: z.array(entrySchema),
});

export class OffsetStore {
  private readonly entries = new Map<string, OffsetEntry>();
  private writing: Promise<void> | null = null;
  private lastGen = 0;
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    readonly file: string,
    /** Whether a state file existed when the agent started: if not, this is the agent's first start. */
    readonly existed: boolean,
    private readonly log: (line: string) => void,
  ) {}

  static async open(file: string, log: (line: string) => void): Promise<OffsetStore> {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") {
        await mkdir(path.dirname(file), { recursive: true });
        return new OffsetStore(file, false, log);
      }
      throw err;
    }
    let parsed: z.infer<typeof stateSchema>;
    try {
      parsed = stateSchema.parse(JSON.parse(text));
    } catch (err) {
      throw new Error(
        `state file ${file} is unreadable (${(err as Error).message.slice(0, 200)}); move it away to start over`,
      );
    }
    const store = new OffsetStore(file, true, log);
    store.lastGen = Math.max(parsed.lastGen ?? 0, ...parsed.files.map((e) => e.gen ?? 0));
    for (const e of parsed.files) store.put(e);
    return store;
  }

  list(): OffsetEntry[] {
    return [...this.entries.values()];
  }

  findByIdentity(dev: string, ino: string): OffsetEntry | undefined {
    for (const e of this.entries.values()) if (e.dev === dev && e.ino === ino) return e;
    return undefined;
  }

  /**
   * Adds or replaces an entry (the object is kept: later changes to it are saved by `scheduleSave`). An entry
   * without a generation number gets the next one.
   */
  put(entry: OffsetEntry): void {
    entry.gen ??= ++this.lastGen;
    this.entries.set(entry.id, entry);
  }

  delete(id: string): void {
    this.entries.delete(id);
  }

  /** Saves within `delayMs`; calls meanwhile share that save. A failed save is logged and retried by the next. */
  scheduleSave(delayMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.save().catch((err: Error) => this.log(`saving state to ${this.file} failed: ${err.message}`));
    }, delayMs);
  }

  /** Writes the current entries, after any write in progress (it may hold older ones). */
  async save(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.writing) await this.writing.catch(() => undefined);
    this.writing = this.write().finally(() => {
      this.writing = null;
    });
    await this.writing;
  }

  private async write(): Promise<void> {
    const body = JSON.stringify({ version: 1, lastGen: this.lastGen, files: this.list() }, null, 1);
    const tmp = `${this.file}.tmp`;
    const fh = await open(tmp, "w", 0o644);
    try {
      await fh.writeFile(body);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.file);
    const dir = await open(path.dirname(this.file), "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  /** Stops the save timer and waits for a write in progress; the caller saves once more if it needs to. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.writing) await this.writing.catch(() => undefined);
  }
}
