import { html, type SafeHtml } from "./escape";
import { formatValue } from "./format";

/** One point of a metric series, as the metrics collector writes it in `findings.series`. */
export interface MetricPoint {
  time: string;
  value: number;
}

export interface MetricChartInput {
  series: MetricPoint[];
  threshold?: number;
  /** When the alert fired; drawn as a vertical marker when it falls inside the series. */
  firedAt?: string;
  /** Metric name for the chart's accessible description. */
  metricName?: string;
  /** Dimension values of this series, for example `Instance=rd0003`. */
  dimensions?: string;
  /** Unique within the page; used for the SVG title id. */
  id: string;
}

// Drawing units; the SVG scales to its box, and a width near a phone's keeps the 11-unit labels readable there.
const WIDTH = 360;
const HEIGHT = 150;
const LEFT = 44;
const RIGHT = 8;
const TOP = 10;
const BOTTOM = 24;

interface Point {
  at: number;
  value: number;
}

/** Series drawn at most per evidence item; the rest are counted below the charts. */
export const MAX_CHARTS = 4;

/**
 * Reads the metric series of a metrics evidence item, in either shape: `findings.series` as one
 * list of `{ time, value }` points, or (as the metrics collector writes it) a list of series with
 * `points` and `dimensions`. `findings.threshold` is the alert threshold for all of them. Points
 * whose time does not parse or whose value is not a finite number are left out, and series with no
 * point left are dropped, so evidence without a series yields an empty list and draws nothing.
 */
export function metricChartInputs(findings: unknown, id: string, firedAt?: string): MetricChartInput[] {
  if (typeof findings !== "object" || findings === null) return [];
  const record = findings as Record<string, unknown>;
  if (!Array.isArray(record.series)) return [];
  const threshold = typeof record.threshold === "number" && Number.isFinite(record.threshold) ? record.threshold : undefined;
  const metricName = typeof record.metricName === "string" ? record.metricName : undefined;

  const flat = validPoints(record.series);
  if (flat.length > 0) return [{ series: flat, threshold, firedAt, metricName, id }];

  const inputs: MetricChartInput[] = [];
  record.series.forEach((entry, index) => {
    if (typeof entry !== "object" || entry === null) return;
    const series = validPoints((entry as { points?: unknown }).points);
    if (series.length === 0) return;
    const dimensions = dimensionLabel((entry as { dimensions?: unknown }).dimensions);
    inputs.push({ series, threshold, firedAt, metricName, dimensions, id: `${id}-${index}` });
  });
  return inputs;
}

function validPoints(points: unknown): MetricPoint[] {
  if (!Array.isArray(points)) return [];
  return points.filter(
    (point): point is MetricPoint =>
      typeof point === "object" &&
      point !== null &&
      typeof point.time === "string" &&
      !Number.isNaN(Date.parse(point.time)) &&
      typeof point.value === "number" &&
      Number.isFinite(point.value),
  );
}

function dimensionLabel(dimensions: unknown): string | undefined {
  if (typeof dimensions !== "object" || dimensions === null) return undefined;
  const pairs = Object.entries(dimensions as Record<string, unknown>).map(([name, value]) => `${name}=${String(value)}`);
  return pairs.length > 0 ? pairs.join(", ") : undefined;
}

/**
 * Draws a metric series as an inline SVG line chart with the alert threshold as a dashed line and
 * the fire time as a dotted marker. The numbers on the axes are the series' own range, so a reader
 * sees how far past the threshold the metric went. Needs no script and no external resource.
 */
export function renderMetricChart(input: MetricChartInput): SafeHtml {
  const points: Point[] = input.series.map((point) => ({ at: Date.parse(point.time), value: point.value })).sort((a, b) => a.at - b.at);
  const values = points.map((point) => point.value);
  if (input.threshold !== undefined) values.push(input.threshold);

  let low = Math.min(...values);
  let high = Math.max(...values);
  const padding = high === low ? Math.max(Math.abs(high) * 0.1, 1) : (high - low) * 0.1;
  low -= padding;
  high += padding;
  if (Math.min(...values) >= 0 && low < 0) low = 0;

  const start = points[0].at;
  const end = points[points.length - 1].at;
  const span = end - start;
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const x = (at: number) => round(span === 0 ? LEFT + plotWidth / 2 : LEFT + ((at - start) / span) * plotWidth);
  const y = (value: number) => round(TOP + (1 - (value - low) / (high - low)) * plotHeight);

  const line =
    points.length === 1
      ? html`<circle class="point" cx="${x(points[0].at)}" cy="${y(points[0].value)}" r="3"></circle>`
      : html`<polyline class="series" points="${points.map((point) => `${x(point.at)},${y(point.value)}`).join(" ")}"></polyline>`;

  const threshold =
    input.threshold === undefined
      ? ""
      : html`<line class="threshold" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(input.threshold)}" y2="${y(input.threshold)}"></line>`;

  const firedAt = input.firedAt ? Date.parse(input.firedAt) : Number.NaN;
  const showFired = Number.isFinite(firedAt) && span > 0 && firedAt >= start && firedAt <= end;
  const fired = showFired ? html`<line class="fired" x1="${x(firedAt)}" x2="${x(firedAt)}" y1="${TOP}" y2="${HEIGHT - BOTTOM}"></line>` : "";

  const titleId = `chart-${input.id.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  const legend = html`<p class="legend" aria-hidden="true"><span class="line-series">━ ${input.metricName ?? "metric"}${input.dimensions ? ` (${input.dimensions})` : ""}</span>${
    input.threshold === undefined ? "" : html`<span class="line-threshold">╌ threshold ${formatValue(input.threshold)}</span>`
  }${showFired ? html`<span class="line-fired">┆ alert fired</span>` : ""}</p>`;

  return html`<figure class="metric">
<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${titleId}" preserveAspectRatio="xMidYMid meet">
<title id="${titleId}">${describe(input, points)}</title>
<line class="axis" x1="${LEFT}" x2="${LEFT}" y1="${TOP}" y2="${HEIGHT - BOTTOM}"></line>
<line class="axis" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${HEIGHT - BOTTOM}" y2="${HEIGHT - BOTTOM}"></line>
<text x="${LEFT - 6}" y="${TOP + 4}" text-anchor="end">${formatValue(high)}</text>
<text x="${LEFT - 6}" y="${HEIGHT - BOTTOM}" text-anchor="end">${formatValue(low)}</text>
<text x="${LEFT}" y="${HEIGHT - 8}" text-anchor="start">${clock(start)}</text>
<text x="${WIDTH - RIGHT}" y="${HEIGHT - 8}" text-anchor="end">${clock(end)} UTC</text>
${threshold}${fired}${line}
</svg>
${legend}
</figure>`;
}

function describe(input: MetricChartInput, points: Point[]): string {
  const values = points.map((point) => point.value);
  const latest = points[points.length - 1].value;
  const name = input.dimensions ? `${input.metricName ?? "Metric"} (${input.dimensions})` : input.metricName ?? "Metric";
  const parts = [
    `${name} from ${clock(points[0].at)} to ${clock(points[points.length - 1].at)} UTC`,
    `latest ${formatValue(latest)}`,
    `max ${formatValue(Math.max(...values))}`,
    `min ${formatValue(Math.min(...values))}`,
  ];
  if (input.threshold !== undefined) parts.push(`threshold ${formatValue(input.threshold)}`);
  return `${parts.join(", ")}.`;
}

function clock(at: number): string {
  return new Date(at).toISOString().slice(11, 16);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
