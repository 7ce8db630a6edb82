"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { HISTOGRAM_LEVELS } from "@/lib/query/histogram-levels";
import type { Histogram as HistogramData, HistogramLevel } from "@/lib/query/wire";
import { selectedLevels, toggleLevel } from "@/lib/reader/level-filter";
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
  /** The reader's filters, which the legend reads and changes as the facets do. */
  filters: string[];
  onFilters: (filters: string[]) => void;
};

const HEIGHT = 70;
/** Room for one label, `Dec 30` or `14:05:30`, with space around it. */
const TICK_PX = 84;
/** A label is centred on its tick: one this close to the right end would stick out past it. */
const HALF_LABEL_PX = 26;
/** Top of the stack first: uPlot paints its series in order, and each bar reaches from 0 to its running sum. */
const PAINT_ORDER = [...HISTOGRAM_LEVELS].reverse();

type Colors = Record<HistogramLevel | "axis", string>;

/** The theme's colours as the canvas needs them: values, not var() (app/globals.css, `--hist-*`). */
function readColors(): Colors {
  const css = getComputedStyle(document.documentElement);
  const get = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    error: get("--hist-error", "#dc2626"),
    warn: get("--hist-warn", "#f59e0b"),
    info: get("--hist-info", "#3b82f6"),
    debug: get("--hist-debug", "#9ca3af"),
    other: get("--hist-other", "#a78bfa"),
    axis: get("--fg-2", "#666"),
  };
}

/** uPlot's columns: x in seconds, then one running sum per level class, in PAINT_ORDER. */
function plotData(data: HistogramData | undefined): uPlot.AlignedData {
  if (!data) return [[], ...PAINT_ORDER.map(() => [])];
  const sums = PAINT_ORDER.map((_, k) =>
    data.buckets.map((b) => PAINT_ORDER.slice(k).reduce((n, level) => n + b.levels[level], 0)),
  );
  return [data.buckets.map((b) => b.t / 1000), ...sums];
}

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
 * Matching lines over the range, counted by the engine and stacked by level; dragging across it zooms into that
 * span, hovering a bar tells its counts, and the legend filters by level (ctrl/cmd-click for several). uPlot
 * draws the bars; the time axis is text under them, on the reader's clock in its zone (uPlot's own would write
 * the browser's zone and locale).
 */
export function Histogram({ data, error, stale, timeZone, onZoom, filters, onFilters }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const zoom = useRef(onZoom);
  zoom.current = onZoom;
  /** The hovered bucket, the middle of its bar (px from the plot's left) and which side of it the tooltip goes. */
  const [hover, setHover] = useState<{ idx: number; x: number; side: "left" | "right" } | null>(null);
  const [geometry, setGeometry] = useState<Geometry | null>(null);

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    let colors = readColors();
    const u = new uPlot(
      {
        width: node.clientWidth || 600,
        height: HEIGHT,
        legend: { show: false },
        cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
        select: { show: true, left: 0, top: 0, width: 0, height: 0 },
        scales: { x: { time: true } },
        axes: [
          { show: false },
          {
            stroke: () => colors.axis,
            size: 40,
            grid: { stroke: "rgba(127,127,127,0.15)" },
            font: "11px system-ui",
            ticks: { show: false },
          },
        ],
        series: [
          {},
          ...PAINT_ORDER.map((level) => ({
            label: level,
            fill: () => colors[level],
            width: 0,
            paths: uPlot.paths.bars!({ size: [0.9, 40] }),
            points: { show: false },
          })),
        ],
        hooks: {
          draw: [
            (self) => {
              const next = geometryOf(self, node);
              setGeometry((prev) => (sameGeometry(prev, next) ? prev : next));
            },
          ],
          setSelect: [
            (self) => {
              if (self.select.width < 3) return;
              const from = self.posToVal(self.select.left, "x");
              const to = self.posToVal(self.select.left + self.select.width, "x");
              self.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              zoom.current(Math.floor(from * 1000), Math.ceil(to * 1000));
            },
          ],
          setCursor: [
            (self) => {
              const { idx, left } = self.cursor;
              if (idx == null || left == null || left < 0) {
                setHover(null);
                return;
              }
              const x = self.over.offsetLeft + self.valToPos(self.data[0][idx]!, "x");
              const side = x > self.width / 2 ? "left" : "right";
              setHover((h) => (h && h.idx === idx && h.x === x && h.side === side ? h : { idx, x, side }));
            },
          ],
        },
      },
      plotData(undefined),
      node,
    );
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: node.clientWidth, height: HEIGHT }));
    resize.observe(node);
    // The theme toggle only flips an attribute; the canvas has to be painted again in the new colours, with its
    // bars' paths built again too, since each keeps the fill it was built with.
    const theme = new MutationObserver(() => {
      colors = readColors();
      u.redraw();
    });
    theme.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    return () => {
      theme.disconnect();
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData(plotData(error ? undefined : data));
  }, [data, error]);

  const ticks = useMemo(() => {
    if (!geometry || error || !data?.buckets.length) return [];
    const { min, max, left, width } = geometry;
    return axisTicks(min * 1000, max * 1000, timeZone, Math.max(2, Math.floor(width / TICK_PX)))
      .map((t) => ({ ...t, x: left + ((t.ms / 1000 - min) / (max - min)) * width }))
      .filter((t) => t.x <= left + width - HALF_LABEL_PX);
  }, [geometry, timeZone, data, error]);

  const bucket = hover && data && !error ? data.buckets[hover.idx] : undefined;
  const selected = selectedLevels(filters);
  // The plot stays mounted (uPlot owns its node) and is hidden while there is only an error to show.
  return (
    <div
      data-testid="histogram"
      data-state={error ? "error" : data && !stale ? "ready" : "loading"}
      data-stale={stale}
      aria-busy={stale}
    >
      {error && (
        <div className="error" role="alert" data-testid="histogram-error">
          histogram unavailable: {error.message}
        </div>
      )}
      <div className="histogram-body" hidden={!!error}>
        <div className="histogram-plot">
          <div ref={el} />
          <div className="histogram-axis" data-testid="histogram-axis">
            {ticks.map((t) => (
              <span key={t.ms} className="tick" data-testid="axis-tick" style={{ left: t.x }}>
                {t.time && <span className="tick-time">{t.time}</span>}
                {t.day && <span className="tick-day">{t.day}</span>}
              </span>
            ))}
          </div>
          {hover && bucket && data && (
            <div
              className="histogram-tooltip"
              role="tooltip"
              data-testid="histogram-tooltip"
              data-side={hover.side}
              style={{ left: hover.x }}
            >
              <div
                className="when"
                data-from={new Date(bucket.t).toISOString()}
                data-to={new Date(bucket.t + data.bucketMs).toISOString()}
              >
                {barSpan(bucket.t, data.bucketMs, timeZone)}
              </div>
              {bucket.count === 0 ? (
                <div>no lines</div>
              ) : (
                HISTOGRAM_LEVELS.map(
                  (level) =>
                    bucket.levels[level] > 0 && (
                      <div key={level} className="level-count" data-level={level}>
                        <span className={`swatch hist-${level}`} aria-hidden />
                        <span className="name">{level}</span>
                        <span className="count">{bucket.levels[level].toLocaleString()}</span>
                      </div>
                    ),
                )
              )}
            </div>
          )}
        </div>
        <ul className="histogram-legend" aria-label="levels" data-testid="histogram-legend">
          {HISTOGRAM_LEVELS.map((level) => {
            const count = data?.levels[level] ?? 0;
            return (
              <li key={level} data-level={level} data-empty={count === 0}>
                <button
                  aria-pressed={selected.has(level)}
                  title={
                    level === "other"
                      ? "lines of any other level or none (ctrl/cmd-click to select several)"
                      : `level:${level} (ctrl/cmd-click to select several)`
                  }
                  onClick={(e) => onFilters(toggleLevel(filters, level, e.ctrlKey || e.metaKey))}
                >
                  <span className={`swatch hist-${level}`} aria-hidden />
                  <span className="name">{level}</span>
                  <span className="count">{data ? count.toLocaleString() : ""}</span>
                </button>
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}
