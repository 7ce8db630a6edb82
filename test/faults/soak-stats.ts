/** The soak test's arithmetic: latency percentiles and the resident-set trend rule (see soak.fault.test.ts). */

export type LatencySummary = {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
};

/** Nearest-rank percentile of ascending values. */
function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function summarizeLatencies(ms: number[]): LatencySummary {
  const s = Float64Array.from(ms).sort();
  const sorted = Array.from(s);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    mean: round(sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1)),
  };
}

/** Least-squares slope of v over t, and its standard error (from the residuals; NaN below three points). */
export function fitSlope(points: { t: number; v: number }[]): { slope: number; se: number } {
  const n = points.length;
  if (n < 2) return { slope: 0, se: NaN };
  const mt = points.reduce((a, p) => a + p.t, 0) / n;
  const mv = points.reduce((a, p) => a + p.v, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.v - mv);
    den += (p.t - mt) ** 2;
  }
  if (den === 0) return { slope: 0, se: NaN };
  const slope = num / den;
  const residuals = points.reduce((a, p) => a + (p.v - (mv + slope * (p.t - mt))) ** 2, 0);
  return { slope, se: n > 2 ? Math.sqrt(residuals / (n - 2) / den) : NaN };
}

const MiB = 2 ** 20;

export type RssSample = { t: number; bytes: number };

export type RssTrend = {
  samples: number;
  minMiB: number;
  maxMiB: number;
  ceilingMiB: number;
  overCeiling: boolean;
  /** The second half of the load, seconds. */
  windowSeconds: number;
  /** Whether that window is long enough to judge a trend in (else the slope is only reported). */
  judged: boolean;
  /** Least-squares slope over the window and its standard error, MiB a minute. */
  slopeMiBPerMin: number;
  slopeSeMiBPerMin: number;
  boundMiBPerMin: number;
  /** The slowest growth this run could tell from noise: bound + 2 standard errors. */
  resolvableMiBPerMin: number;
  growing: boolean;
};

/**
 * The growth rules (stated in soak.fault.test.ts): every sample under a ceiling; and, when the second half of the
 * load lasts at least `minWindowSeconds`, a least-squares slope over it that exceeds the bound by no more than two
 * standard errors. Samples are `t` ms after the load started; those after loadEnd (the drain) count for the
 * ceiling only.
 */
export function rssTrend(
  samples: RssSample[],
  loadEnd: number,
  opts: { boundMiBPerMin: number; minWindowSeconds: number; ceilingMiB: number },
): RssTrend {
  const mid = loadEnd / 2;
  const window = samples.filter((s) => s.t >= mid && s.t <= loadEnd);
  const { slope, se } = fitSlope(window.map((s) => ({ t: s.t / 60_000, v: s.bytes / MiB })));
  const all = samples.map((s) => s.bytes / MiB);
  const windowSeconds = (loadEnd - mid) / 1000;
  const judged = windowSeconds >= opts.minWindowSeconds && window.length >= 4;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    samples: samples.length,
    minMiB: round(Math.min(...all)),
    maxMiB: round(Math.max(...all)),
    ceilingMiB: opts.ceilingMiB,
    overCeiling: Math.max(...all) > opts.ceilingMiB,
    windowSeconds: Math.round(windowSeconds),
    judged,
    slopeMiBPerMin: round(slope),
    slopeSeMiBPerMin: round(se),
    boundMiBPerMin: opts.boundMiBPerMin,
    resolvableMiBPerMin: round(opts.boundMiBPerMin + 2 * se),
    growing: judged && slope - 2 * se > opts.boundMiBPerMin,
  };
}
