"use client";

import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Histogram as HistogramData } from "@/lib/query/wire";

type Props = {
  data: HistogramData | undefined;
  /** The histogram's own failure (a bad query): shown instead of the bars of the question before. */
  error: Error | null;
  /** The bars shown are the previous question's while this one is answered. */
  stale: boolean;
  onZoom: (fromMs: number, toMs: number) => void;
};

/** Matching lines over the range, counted by the engine; dragging across it zooms into that span. */
export function Histogram({ data, error, stale, onZoom }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const zoom = useRef(onZoom);
  zoom.current = onZoom;

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const css = getComputedStyle(document.documentElement);
    const accent = css.getPropertyValue("--accent").trim() || "#2563eb";
    const fg2 = css.getPropertyValue("--fg-2").trim() || "#666";
    const u = new uPlot(
      {
        width: node.clientWidth || 600,
        height: 90,
        legend: { show: false },
        cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
        select: { show: true, left: 0, top: 0, width: 0, height: 0 },
        scales: { x: { time: true } },
        axes: [
          { stroke: fg2, grid: { show: false }, size: 24, font: "11px system-ui" },
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
    const resize = new ResizeObserver(() => u.setSize({ width: node.clientWidth, height: 90 }));
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
      <div ref={el} hidden={!!error} />
    </div>
  );
}
