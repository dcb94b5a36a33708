// Time-series charts on uPlot (served from the installed package, see static-assets.ts).
import uPlot from "/dashboard/vendor/uPlot.esm.js";
import { h, show } from "./dom.js";

export const COLORS = {
  champion: "#2563eb",
  canary: "#ea580c",
  championBand: "rgba(37, 99, 235, 0.15)",
  canaryBand: "rgba(234, 88, 12, 0.15)",
  p50: "#16a34a",
  p95: "#ca8a04",
  p99: "#dc2626",
  rps: "#64748b",
};

/**
 * A chart that keeps one uPlot instance across refreshes and follows its container's width.
 * `series` are uPlot series options after the x axis; `bands` pair an upper and a lower series
 * (indices into the data, x being 0) to fill a confidence interval between them.
 */
export class TimeChart {
  constructor(container, { title, series, bands = [], yFormat = (v) => String(v), yRange, height = 200 }) {
    this.options = { title, series, bands, yFormat, yRange, height };
    this.holder = h("div", { class: "chart" });
    this.empty = h("p", { class: "muted chart-empty", text: `${title}: no points yet` });
    container.append(this.holder);
    this.plot = null;
    new ResizeObserver(() => {
      if (this.plot) this.plot.setSize({ width: this.width(), height: this.options.height });
    }).observe(this.holder);
  }

  width() {
    return Math.max(280, this.holder.clientWidth || 600);
  }

  /** data: [xs in unix seconds, ...ys] (nulls are gaps). */
  update(data) {
    const hasValues = data.slice(1).some((ys) => ys.some((y) => y !== null && y !== undefined));
    if (!hasValues) {
      this.plot?.destroy();
      this.plot = null;
      show(this.holder, this.empty);
      return;
    }
    if (this.plot) {
      this.plot.setData(data);
      return;
    }
    show(this.holder);
    const { title, series, bands, yFormat, yRange, height } = this.options;
    this.plot = new uPlot(
      {
        title,
        width: this.width(),
        height,
        scales: { x: { time: true }, ...(yRange ? { y: { range: yRange } } : {}) },
        series: [{}, ...series],
        bands,
        axes: [{}, { size: 60, values: (_u, ticks) => ticks.map(yFormat) }],
        legend: { live: true },
        cursor: { drag: { x: false, y: false } },
      },
      data,
      this.holder,
    );
  }
}

/** A line series. */
export function line(label, stroke, format, extra = {}) {
  return {
    label,
    stroke,
    width: 2,
    spanGaps: true,
    value: (_u, v) => (v === null ? "–" : format(v)),
    ...extra,
  };
}

/** The invisible edge of a confidence band (drawn only as the fill between two edges). */
export function bandEdge(label, format) {
  return {
    label,
    stroke: "transparent",
    width: 0,
    points: { show: false },
    spanGaps: true,
    value: (_u, v) => (v === null ? "–" : format(v)),
  };
}
