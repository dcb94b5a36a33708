// Serving: latency quantiles of the recommendation route and the share of fallback lists, from
// the server's sampled series (the same counters /metrics exposes).
import { COLORS, line, TimeChart } from "./charts.js";
import { fmt, h, panelBody, show } from "./dom.js";

const FALLBACK_COLORS = {
  "cached-events": "#7c3aed",
  "context-popularity": "#0891b2",
  "global-popularity": "#db2777",
};

let layout = null;

function ensureLayout(root) {
  if (layout && root.contains(layout.headline)) return layout;
  const headline = h("div", { class: "headline" });
  const charts = h("div", { class: "chart-row" });
  show(root, headline, charts);
  const latency = new TimeChart(charts, {
    title: "Recommendation latency",
    yFormat: (v) => `${v} ms`,
    series: [
      line("p50", COLORS.p50, fmt.ms),
      line("p95", COLORS.p95, fmt.ms),
      line("p99", COLORS.p99, fmt.ms),
    ],
  });
  const fallback = new TimeChart(charts, {
    title: "Fallback lists and 5xx (share of responses)",
    yFormat: (v) => `${(100 * v).toFixed(0)}%`,
    // Shares: from 0, and at least 0–5% so an all-zero series is a flat line, not noise.
    yRange: (_u, _min, max) => [0, Math.max(0.05, max * 1.1)],
    series: [
      ...Object.entries(FALLBACK_COLORS).map(([name, color]) => line(name, color, (v) => fmt.pct(v, 1))),
      line("5xx", COLORS.p99, (v) => fmt.pct(v, 2), { dash: [4, 4] }),
    ],
  });
  layout = { headline, latency, fallback };
  return layout;
}

function stat(label, value) {
  return h(
    "div",
    { class: "stat" },
    h("div", { class: "stat-value", text: value }),
    h("div", { class: "muted", text: label }),
  );
}

/** Renders the body of GET /v1/dashboard/serving. */
export function renderServing(serving) {
  const l = ensureLayout(panelBody("serving"));
  const points = serving.points;
  const last = [...points].reverse().find((p) => p.requests > 0);
  const fallbackShare = last?.fallback ? 1 - last.fallback.none : null;
  show(
    l.headline,
    stat("requests / s (last interval with traffic)", fmt.num(last?.rps, 1)),
    stat("p50", fmt.ms(last?.p50Ms)),
    stat("p99", fmt.ms(last?.p99Ms)),
    stat("fallback lists", fmt.pct(fallbackShare, 1)),
    stat("sampled every", `${(serving.sample_ms / 1000).toFixed(0)} s`),
  );
  const xs = points.map((p) => p.t / 1000);
  l.latency.update([xs, points.map((p) => p.p50Ms), points.map((p) => p.p95Ms), points.map((p) => p.p99Ms)]);
  l.fallback.update([
    xs,
    ...Object.keys(FALLBACK_COLORS).map((name) => points.map((p) => (p.fallback ? p.fallback[name] : null))),
    points.map((p) => p.errorRate),
  ]);
}
