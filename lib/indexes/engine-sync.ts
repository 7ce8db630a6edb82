/**
 * Keeps searchd's tables in step with the logger indexes in PostgreSQL and with the calendar: new indexes get
 * tables, deleted ones lose them, each midnight adds tomorrow's table and drops the day that left the retention
 * window (the retention job). Polls, because a missed notification must not leave an index without tables.
 */
import type { Db } from "@/db/client";
import type { SearchdSupervisor } from "@/lib/engine/searchd-supervisor";
import { listIndexes } from "./logger-indexes";

export class EngineSync {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly supervisor: SearchdSupervisor,
    private readonly db: Db,
    private readonly intervalMs: number,
    private readonly log: (line: string) => void,
  ) {}

  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
  }

  /** One reconciliation; never throws (PostgreSQL or searchd being down is logged and retried next tick). */
  tick(): Promise<void> {
    this.running ??= (async () => {
      try {
        const indexes = await listIndexes(this.db);
        const changed = await this.supervisor.apply(
          indexes.map((i) => ({ name: i.name, retentionDays: i.retentionDays })),
        );
        if (changed) this.log(`tables now: ${this.supervisor.tables.length} (${indexes.length} indexes)`);
      } catch (err) {
        this.log(`engine sync failed: ${(err as Error).message}`);
      }
    })().finally(() => (this.running = null));
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
