/**
 * A log-log line chart of latency against corpus size, drawn as SVG and rendered to PNG by Debian's Chromium (the
 * browser the tests already use), so the benchmark needs no plotting package.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { chromium } from "@playwright/test";

export type ChartSeries = { label: string; points: [number, number][]; dashed?: boolean };

const COLORS = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#be185d"];
const W = 900;
const H = 520;
const M = { left: 70, right: 260, top: 50, bottom: 60 };

const escapeXml = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function latencyChartSvg(series: ChartSeries[], title: string): string {
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter((y) => y > 0);
  const [x0, x1] = [Math.log10(Math.min(...xs)) - 0.15, Math.log10(Math.max(...xs)) + 0.15];
  const [y0, y1] = [Math.floor(Math.log10(Math.min(...ys))), Math.ceil(Math.log10(Math.max(...ys)))];
  const px = (x: number) => M.left + ((Math.log10(x) - x0) / (x1 - x0)) * (W - M.left - M.right);
  const py = (y: number) => H - M.bottom - ((Math.log10(y) - y0) / (y1 - y0)) * (H - M.top - M.bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="13">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${M.left}" y="28" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (let e = y0; e <= y1; e++) {
    const y = py(10 ** e);
    out.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#e5e7eb"/>`,
      `<text x="${M.left - 8}" y="${y + 4}" text-anchor="end">${10 ** e >= 1000 ? `${10 ** (e - 3)} s` : `${10 ** e} ms`}</text>`,
    );
  }
  for (const x of [...new Set(xs)]) {
    out.push(
      `<line x1="${px(x)}" x2="${px(x)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#e5e7eb"/>`,
      `<text x="${px(x)}" y="${H - M.bottom + 20}" text-anchor="middle">${x >= 1e6 ? `${x / 1e6}M` : `${x / 1e3}k`} records</text>`,
    );
  }
  series.forEach((s, i) => {
    const color = COLORS[Math.floor(i / 2) % COLORS.length]!;
    const pts = s.points.filter((p) => p[1] > 0).map(([x, y]) => `${px(x)},${py(y)}`);
    out.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2.5" ${s.dashed ? 'stroke-dasharray="6 4"' : ""} points="${pts.join(" ")}"/>`,
      ...pts.map((p) => `<circle cx="${p.split(",")[0]}" cy="${p.split(",")[1]}" r="4" fill="${color}"/>`),
      `<line x1="${W - M.right + 20}" x2="${W - M.right + 50}" y1="${M.top + 10 + i * 22}" y2="${M.top + 10 + i * 22}" stroke="${color}" stroke-width="2.5" ${s.dashed ? 'stroke-dasharray="6 4"' : ""}/>`,
      `<text x="${W - M.right + 58}" y="${M.top + 14 + i * 22}">${escapeXml(s.label)}</text>`,
    );
  });
  out.push(`<text x="${M.left}" y="${H - 14}" fill="#6b7280">log-log; lower is better</text>`, "</svg>");
  return out.join("\n");
}

export async function renderLatencyChart(series: ChartSeries[], file: string, title: string): Promise<void> {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: W, height: H } });
    await page.setContent(`<body style="margin:0">${latencyChartSvg(series, title)}</body>`);
    await mkdir(path.dirname(file), { recursive: true });
    await page.screenshot({ path: file, clip: { x: 0, y: 0, width: W, height: H } });
  } finally {
    await browser.close();
  }
}
