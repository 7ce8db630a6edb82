/** Collector counters in the Prometheus text format: no client library, a handful of series. */

type Labels = Record<string, string>;

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

function labelText(l: Labels): string {
  const parts = Object.entries(l).map(
    ([k, v]) => `${k}="${v.replace(/["\\\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`))}"`,
  );
  return parts.length ? `{${parts.join(",")}}` : "";
}

export class CollectorMetrics {
  private counters = new Map<string, Map<string, number>>();
  private histogram = new Map<string, { buckets: number[]; sum: number; count: number }>();

  inc(name: "received" | "indexed" | "dead_lettered" | "retries" | "paused", labels: Labels, by = 1): void {
    const series = this.counters.get(name) ?? new Map<string, number>();
    this.counters.set(name, series);
    const key = labelText(labels);
    series.set(key, (series.get(key) ?? 0) + by);
  }

  observeBatch(index: string, seconds: number): void {
    const key = labelText({ index });
    const h = this.histogram.get(key) ?? { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
    this.histogram.set(key, h);
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) h.buckets[i]!++;
    });
    h.sum += seconds;
    h.count++;
  }

  value(name: string, labels: Labels): number {
    return this.counters.get(name)?.get(labelText(labels)) ?? 0;
  }

  render(): string {
    const help: Record<string, string> = {
      received: "Messages received from RabbitMQ",
      indexed: "Records written to the engine and acked",
      dead_lettered: "Messages sent to the dead-letter queue",
      retries: "Retried engine or Redis writes",
      paused: "Times a consumer paused because the bytes it held reached MAX_INFLIGHT_BYTES",
    };
    const lines: string[] = [];
    for (const [name, text] of Object.entries(help)) {
      lines.push(
        `# HELP alco_collector_${name}_total ${text}`,
        `# TYPE alco_collector_${name}_total counter`,
      );
      for (const [key, v] of this.counters.get(name) ?? [])
        lines.push(`alco_collector_${name}_total${key} ${v}`);
    }
    lines.push(
      "# HELP alco_collector_batch_seconds Time from a batch's flush to its ack",
      "# TYPE alco_collector_batch_seconds histogram",
    );
    for (const [key, h] of this.histogram) {
      const inner = key.slice(1, -1);
      BUCKETS.forEach((b, i) =>
        lines.push(`alco_collector_batch_seconds_bucket{${inner},le="${b}"} ${h.buckets[i]}`),
      );
      lines.push(`alco_collector_batch_seconds_bucket{${inner},le="+Inf"} ${h.count}`);
      lines.push(
        `alco_collector_batch_seconds_sum${key} ${h.sum}`,
        `alco_collector_batch_seconds_count${key} ${h.count}`,
      );
    }
    return lines.join("\n") + "\n";
  }
}
