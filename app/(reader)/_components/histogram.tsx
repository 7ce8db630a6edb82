"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Histogram as HistogramData } from "@/lib/query/wire";
import { axisTicks, barSpan } from "@/lib/reader/time-format";

type Props = {
  data: HistogramData | undefined;
  /** The histogram's own failure (a bad query): shown instead of the bars of the question before. */
  error: Error | null;
  /** The bars shown are the previous question's while this one is answered. */
  stale: boolean;
  /** The zone the axis and the bars' tooltips are written in. */
  timeZone: string;
  onZoom: (fromMs: number, toMs: number) => void;
};

const PLOT_HEIGHT = 70;
/** Room for one label, `Dec 30` or `14:05:30`, with space around it. */
const TICK_PX = 84;
/** A label is centred on its tick: one this close to the right end would stick out past it. */
const HALF_LABEL_PX = 26;

/** Where the plot's x scale sits in the node: its ends in seconds, the plotting area's left and width in px. */
type Geometry = { min: number; max: number; left: number; width: number };

function geometryOf(u: uPlot, node: HTMLElement): Geometry | null {
  const { min, max } = u.scales.x ?? {};
  if (min == null || max == null || !(max > min)) return null;
  const over = u.over.getBoundingClientRect();
  return { min, max, left: over.left - node.getBoundingClientRect().left, width: over.width };
}

const sameGeometry = (a: Geometry | null, b: Geometry | null) =>
  a === b || (!!a && !!b && a.min === b.min && a.max === b.max && a.left === b.left && a.width === b.width);

/**
 * Matching lines over the range, counted by the engine; dragging across it zooms into that span. uPlot draws the
 * bars; the time axis is text under them, on the reader's clock in its zone (uPlot's own would write the
 * browser's zone and locale), and hovering a bar says what it counts.
 */
export function Histogram({ data, error, stale, timeZone, onZoom }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const zoom = useRef(onZoom);
  zoom.current = onZoom;
  const [geometry, setGeometry] = useState<Geometry | null>(null);
  const [hover, setHover] = useState<number | null>(null);

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const css = getComputedStyle(document.documentElement);
    const accent = css.getPropertyValue("--accent").trim() || "#2563eb";
    const fg2 = css.getPropertyValue("--fg-2").trim() || "#666";
    const u = new uPlot(
      {
        width: node.clientWidth || 600,
        height: PLOT_HEIGHT,
        legend: { show: false },
        cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
        select: { show: true, left: 0, top: 0, width: 0, height: 0 },
        scales: { x: { time: true } },
        axes: [
          { show: false },
          {
            stroke: fg2,
            size: 40,
            grid: { stroke: "rgba(127,127,127,0.15)" },
            font: "11px system-ui",
            ticks: { show: false },
          },
        ],
        series: [
          {},
          {
            fill: accent,
            stroke: accent,
            paths: uPlot.paths.bars!({ size: [0.9, 40] }),
            points: { show: false },
          },
        ],
        hooks: {
          draw: [
            (self) => {
              const next = geometryOf(self, node);
              setGeometry((prev) => (sameGeometry(prev, next) ? prev : next));
            },
          ],
          setCursor: [(self) => setHover(self.cursor.idx ?? null)],
          setSelect: [
            (self) => {
              if (self.select.width < 3) return;
              const from = self.posToVal(self.select.left, "x");
              const to = self.posToVal(self.select.left + self.select.width, "x");
              self.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              zoom.current(Math.floor(from * 1000), Math.ceil(to * 1000));
            },
          ],
        },
      },
      [[], []],
      node,
    );
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: node.clientWidth, height: PLOT_HEIGHT }));
    resize.observe(node);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    if (!plot.current) return;
    if (error || !data) plot.current.setData([[], []]);
    else plot.current.setData([data.buckets.map((b) => b.t / 1000), data.buckets.map((b) => b.count)]);
  }, [data, error]);

  const ticks = useMemo(() => {
    if (!geometry || error || !data?.buckets.length) return [];
    const { min, max, left, width } = geometry;
    return axisTicks(min * 1000, max * 1000, timeZone, Math.max(2, Math.floor(width / TICK_PX)))
      .map((t) => ({ ...t, x: left + ((t.ms / 1000 - min) / (max - min)) * width }))
      .filter((t) => t.x <= left + width - HALF_LABEL_PX);
  }, [geometry, timeZone, data, error]);

  const bar = hover !== null && !error ? data?.buckets[hover] : undefined;

  // The plot stays mounted (uPlot owns its node) and is hidden while there is only an error to show.
  return (
    <div
      data-testid="histogram"
      data-state={error ? "error" : data && !stale ? "ready" : "loading"}
      data-stale={stale}
      aria-busy={stale}
      className="histogram-plot"
    >
      {error && (
        <div className="error" role="alert" data-testid="histogram-error">
          histogram unavailable: {error.message}
        </div>
      )}
      {bar && data && (
        <div className="histogram-hover" data-testid="histogram-hover">
          {barSpan(bar.t, data.bucketMs, timeZone)} · {bar.count.toLocaleString()} lines
        </div>
      )}
      <div ref={el} hidden={!!error} />
      <div className="histogram-axis" data-testid="histogram-axis" hidden={!!error}>
        {ticks.map((t) => (
          <span key={t.ms} className="tick" data-testid="axis-tick" style={{ left: t.x }}>
            {t.time && <span className="tick-time">{t.time}</span>}
            {t.day && <span className="tick-day">{t.day}</span>}
          </span>
        ))}
      </div>
    </div>
  );
}
