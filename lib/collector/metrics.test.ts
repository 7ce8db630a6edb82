import { describe, it, expect } from "vitest";
import { CollectorMetrics } from "@/lib/collector/metrics";

type Sample = { name: string; labels: Record<string, string>; value: number };
type Family = { name: string; type: string; help: string; samples: Sample[] };

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(?:,|$)/;

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.length > 0) {
    const m = LABEL.exec(rest);
    if (!m) throw new Error(`bad labels: ${text}`);
    if (m[1]! in labels) throw new Error(`repeated label ${m[1]}`);
    labels[m[1]!] = m[2]!.replace(/\\(["\\n])/g, (_, c: string) => (c === "n" ? "\n" : c));
    rest = rest.slice(m[0].length);
  }
  return labels;
}

/** A strict reader of the Prometheus text format (version 0.0.4): throws on anything it does not accept. */
function parseExposition(text: string): Map<string, Family> {
  expect(text.endsWith("\n")).toBe(true);
  const families = new Map<string, Family>();
  let current: Family | undefined;
  for (const line of text.slice(0, -1).split("\n")) {
    const help = new RegExp(`^# HELP (${NAME}) (.*)$`).exec(line);
    const type = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (help) {
      if (families.has(help[1]!)) throw new Error(`family ${help[1]} declared twice`);
      current = { name: help[1]!, help: help[2]!, type: "", samples: [] };
      families.set(current.name, current);
      continue;
    }
    if (type) {
      if (!current || current.name !== type[1] || current.type || current.samples.length)
        throw new Error(`misplaced TYPE: ${line}`);
      current.type = type[2]!;
      continue;
    }
    const s = SAMPLE.exec(line);
    if (!s) throw new Error(`not a sample: ${JSON.stringify(line)}`);
    if (!current?.type) throw new Error(`sample before TYPE: ${line}`);
    const suffixes = current.type === "histogram" ? ["_bucket", "_sum", "_count"] : [""];
    if (!suffixes.some((x) => s[1] === current!.name + x))
      throw new Error(`sample ${s[1]} outside its family ${current.name}`);
    const value = Number(s[3]);
    if (Number.isNaN(value) && s[3] !== "NaN") throw new Error(`bad value: ${line}`);
    current.samples.push({ name: s[1]!, labels: parseLabels(s[2] ?? ""), value });
  }
  return families;
}

describe("CollectorMetrics", () => {
  it("renders valid Prometheus text before anything is counted", () => {
    const families = parseExposition(new CollectorMetrics().render());
    expect([...families.keys()]).toEqual([
      "alco_collector_received_total",
      "alco_collector_indexed_total",
      "alco_collector_dead_lettered_total",
      "alco_collector_retries_total",
      "alco_collector_paused_total",
      "alco_collector_batch_seconds",
    ]);
    for (const f of families.values()) expect(f.samples).toEqual([]);
  });

  it("renders counters per label set", () => {
    const m = new CollectorMetrics();
    m.inc("received", { index: "web" });
    m.inc("received", { index: "web" }, 4);
    m.inc("received", { index: "billing" });
    m.inc("dead_lettered", { index: "web", reason: "not_json" });
    const families = parseExposition(m.render());
    const received = families.get("alco_collector_received_total")!;
    expect(received.type).toBe("counter");
    expect(received.samples).toEqual([
      { name: "alco_collector_received_total", labels: { index: "web" }, value: 5 },
      { name: "alco_collector_received_total", labels: { index: "billing" }, value: 1 },
    ]);
    expect(families.get("alco_collector_dead_lettered_total")!.samples).toEqual([
      { name: "alco_collector_dead_lettered_total", labels: { index: "web", reason: "not_json" }, value: 1 },
    ]);
  });

  it("reads back a counter's value", () => {
    const m = new CollectorMetrics();
    m.inc("indexed", { index: "web" }, 1000);
    expect(m.value("indexed", { index: "web" })).toBe(1000);
    expect(m.value("indexed", { index: "other" })).toBe(0);
  });

  it("renders a counter without labels", () => {
    const m = new CollectorMetrics();
    m.inc("retries", {});
    expect(m.render()).toContain("\nalco_collector_retries_total 1\n");
    expect(parseExposition(m.render()).get("alco_collector_retries_total")!.samples[0]!.value).toBe(1);
  });

  it("escapes quotes, backslashes and newlines in label values", () => {
    const m = new CollectorMetrics();
    const reason = 'say "hi"\\\nbye';
    m.inc("dead_lettered", { index: "web", reason });
    const sample = parseExposition(m.render()).get("alco_collector_dead_lettered_total")!.samples[0]!;
    expect(sample.labels.reason).toBe(reason);
  });

  it("renders batch times as a cumulative histogram per index", () => {
    const m = new CollectorMetrics();
    for (const s of [0.003, 0.02, 0.02, 0.7, 45]) m.observeBatch("web", s);
    m.observeBatch("billing", 0.1);
    const h = parseExposition(m.render()).get("alco_collector_batch_seconds")!;
    expect(h.type).toBe("histogram");

    const web = h.samples.filter((s) => s.labels.index === "web");
    const buckets = web.filter((s) => s.name.endsWith("_bucket"));
    const les = buckets.map((b) => b.labels.le!);
    expect(les.at(-1)).toBe("+Inf");
    const bounds = les.slice(0, -1).map(Number);
    expect(bounds).toEqual([...bounds].sort((a, b) => a - b));
    const counts = buckets.map((b) => b.value);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));

    const le = (bound: string) => buckets.find((b) => b.labels.le === bound)!.value;
    expect(le("0.005")).toBe(1);
    expect(le("0.025")).toBe(3);
    expect(le("0.5")).toBe(3);
    expect(le("1")).toBe(4);
    expect(le("30")).toBe(4);
    expect(le("+Inf")).toBe(5);
    expect(web.find((s) => s.name === "alco_collector_batch_seconds_count")!.value).toBe(5);
    expect(web.find((s) => s.name === "alco_collector_batch_seconds_sum")!.value).toBeCloseTo(45.743);

    const billing = h.samples.filter((s) => s.labels.index === "billing");
    expect(billing.find((s) => s.labels.le === "0.1")!.value).toBe(1);
    expect(billing.find((s) => s.labels.le === "0.05")!.value).toBe(0);
  });

  it("counts a batch exactly on a bucket bound in that bucket", () => {
    const m = new CollectorMetrics();
    m.observeBatch("web", 0.25);
    const h = parseExposition(m.render()).get("alco_collector_batch_seconds")!;
    expect(h.samples.find((s) => s.labels.le === "0.25")!.value).toBe(1);
    expect(h.samples.find((s) => s.labels.le === "0.1")!.value).toBe(0);
  });
});
