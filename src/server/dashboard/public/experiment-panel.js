// The live experiment: per-variant metrics with 95% intervals, the decision so far, and the
// metrics over time from the server's sampled series.
import { bandEdge, COLORS, line, TimeChart } from "./charts.js";
import { fmt, h, panelBody, show } from "./dom.js";

let layout = null;

/** Wilson 95% interval (the server's series use the same), as [low, high]. */
function wilson(successes, trials) {
  if (trials <= 0) return [0, 1];
  const z = 1.959963984540054;
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

function rateCell(successes, trials) {
  const [low, high] = wilson(successes, trials);
  return h(
    "td",
    { class: "num" },
    fmt.pct(trials > 0 ? successes / trials : null),
    h("span", { class: "ci", text: ` [${fmt.pct(low, 1)}, ${fmt.pct(high, 1)}]` }),
  );
}

function variantTable(metrics) {
  const { champion: a, canary: b } = metrics;
  const row = (label, f) => h("tr", {}, h("th", { text: label }), f(a), f(b));
  const plain = (pick, format) => (m) => h("td", { class: "num", text: format(pick(m)) });
  return h(
    "table",
    { class: "table variant-table" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", {}),
        h("th", { class: "champion", text: "champion" }),
        h("th", { class: "canary", text: "canary" }),
      ),
    ),
    h(
      "tbody",
      {},
      row(
        "lists served",
        plain((m) => m.impressions, fmt.num),
      ),
      row("CTR (lists clicked)", (m) => rateCell(m.clickedImpressions, m.impressions)),
      row("booking rate", (m) => rateCell(m.bookedImpressions, m.impressions)),
      row(
        "diversity",
        plain(
          (m) => m.diversity,
          (x) => fmt.num(x, 3),
        ),
      ),
      row(
        "paired coverage",
        plain(
          (m) => m.pairedCoverage,
          (x) => fmt.pct(x, 1),
        ),
      ),
      row(
        "mean margin",
        plain(
          (m) => m.meanMargin,
          (x) => fmt.num(x, 3),
        ),
      ),
      row(
        "sessions",
        plain((m) => m.sessions, fmt.num),
      ),
    ),
  );
}

function ensureLayout(root) {
  if (layout && root.contains(layout.summary)) return layout;
  const summary = h("div", { class: "experiment-summary" });
  const decision = h("div", { class: "decision" });
  const table = h("div", {});
  const charts = h("div", { class: "chart-row band-charts" });
  show(root, summary, decision, table, charts);
  const rate = (title) =>
    new TimeChart(charts, {
      title,
      yFormat: (v) => `${(100 * v).toFixed(1)}%`,
      series: [
        line("champion", COLORS.champion, (v) => fmt.pct(v)),
        bandEdge("champion high", (v) => fmt.pct(v)),
        bandEdge("champion low", (v) => fmt.pct(v)),
        line("canary", COLORS.canary, (v) => fmt.pct(v)),
        bandEdge("canary high", (v) => fmt.pct(v)),
        bandEdge("canary low", (v) => fmt.pct(v)),
      ],
      bands: [
        { series: [2, 3], fill: COLORS.championBand },
        { series: [5, 6], fill: COLORS.canaryBand },
      ],
    });
  layout = {
    summary,
    decision,
    table,
    ctr: rate("CTR over time (95% interval)"),
    booking: rate("Booking rate over time (95% interval)"),
  };
  return layout;
}

function seriesData(points, key) {
  return [
    points.map((p) => p.t / 1000),
    points.map((p) => p.champion[key].rate),
    points.map((p) => p.champion[key].high),
    points.map((p) => p.champion[key].low),
    points.map((p) => p.canary[key].rate),
    points.map((p) => p.canary[key].high),
    points.map((p) => p.canary[key].low),
  ];
}

/**
 * Renders status.experiment and status.experiment_series; `actions` is null without write access,
 * else { pause(), resume() }. `now` is the page's reading of the server clock (ms).
 */
export function renderExperiment(status, actions) {
  const root = panelBody("experiment");
  const view = status.experiment;
  const e = view?.experiment;
  const points = status.experiment_series ?? [];
  if (!e?.canary) {
    const champion = e?.champion ?? status.serving?.champion;
    const idle = `No canary running${champion ? `; the champion ${champion} serves everyone` : ""}.`;
    const last = points.at(-1);
    if (!last) {
      layout = null;
      show(root, h("p", { class: "muted", text: idle }));
      return;
    }
    // The experiment just decided: keep its history on screen until the next canary starts.
    const l = ensureLayout(root);
    show(
      l.summary,
      h("span", { class: "muted", text: `${idle} The last experiment, ${last.experimentId}, tried ` }),
      h("code", { class: "canary", text: last.canaryVersion }),
      h("span", {
        class: "muted",
        text: ` on ${last.percent}% of users; its registry history says how it ended.`,
      }),
    );
    show(l.decision);
    show(l.table);
    l.ctr.update(seriesData(points, "ctr"));
    l.booking.update(seriesData(points, "bookingRate"));
    return;
  }
  const l = ensureLayout(root);
  const lastT = points.at(-1)?.t ?? view.metrics?.eventTime * 1000;
  show(
    l.summary,
    h("span", {}, "champion ", h("code", { class: "champion", text: e.champion })),
    h("span", {}, " vs canary ", h("code", { class: "canary", text: e.canary })),
    h("span", { text: ` on ${e.percent}% of users · experiment ${e.id} · started ${fmt.time(e.startedAt)}` }),
    lastT ? h("span", { class: "muted", text: ` (${fmt.duration(lastT - e.startedAt)} ago)` }) : null,
    e.paused ? h("span", { class: "badge paused", text: "paused" }) : null,
    actions
      ? h("button", {
          type: "button",
          text: e.paused ? "Resume" : "Pause",
          onclick: () => (e.paused ? actions.resume() : actions.pause()),
        })
      : null,
  );
  if (!view.metrics) {
    show(
      l.decision,
      h("p", { class: "muted", text: "Waiting for the controller's first checkpoint of this experiment." }),
    );
    show(l.table);
  } else {
    const d = view.decision;
    show(
      l.decision,
      h("span", { class: `badge action-${d?.action ?? "continue"}`, text: d?.action ?? "continue" }),
      h("span", { class: "decision-reason", text: ` ${d?.reason ?? ""}` }),
    );
    show(l.table, variantTable(view.metrics));
  }
  l.ctr.update(seriesData(points, "ctr"));
  l.booking.update(seriesData(points, "bookingRate"));
}
