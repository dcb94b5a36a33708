// Drift per feature: the shape of GET /v1/admin/drift, each feature's score against its threshold
// and its live distribution drawn over the training baseline.
import { fmt, h, panelBody, s, show } from "./dom.js";

const W = 160;
const H = 36;

/** Baseline (grey bars) and live (outlined bars) of one feature, scaled to their common maximum. */
function sparkline(baseline, live) {
  const n = Math.max(baseline?.length ?? 0, live?.length ?? 0);
  if (n === 0) return h("span", { class: "muted", text: "–" });
  const top = Math.max(...(baseline ?? []), ...(live ?? []), 1e-12);
  const step = W / n;
  const bar = (values, cls, inset) =>
    (values ?? []).map((v, i) => {
      const height = Math.max(0, (v / top) * (H - 2));
      return s("rect", {
        class: cls,
        x: (i * step + inset).toFixed(2),
        y: (H - height).toFixed(2),
        width: Math.max(0.5, step - 2 * inset).toFixed(2),
        height: height.toFixed(2),
      });
    });
  return s(
    "svg",
    { class: "spark", viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img" },
    s("title", { text: "grey: training baseline · outline: live window" }),
    bar(baseline, "spark-baseline", 0.5),
    bar(live, "spark-live", Math.min(2, step / 4)),
  );
}

/**
 * `state` is { body } with the drift report, or { unavailable: message } (not enabled, no token,
 * an error).
 */
export function renderDrift(state) {
  const root = panelBody("drift");
  if (state.unavailable) {
    show(root, h("p", { class: "muted drift-unavailable", text: state.unavailable }));
    return;
  }
  const { window: win, features } = state.body;
  const windowText = win
    ? Object.entries(win)
        .map(([k, v]) => `${k} ${typeof v === "number" && v > 1e12 ? fmt.time(v) : v}`)
        .join(" · ")
    : "";
  const drifted = features.filter((f) => f.drifted).length;
  show(
    root,
    h(
      "p",
      {},
      `${drifted} of ${features.length} features drifted`,
      windowText ? h("span", { class: "muted", text: ` (window: ${windowText})` }) : null,
    ),
    h(
      "table",
      { class: "table drift-table" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["feature", "test", "score", "threshold", "state", "samples", "baseline vs live"].map((t) =>
            h("th", { text: t }),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        features.map((f) =>
          h(
            "tr",
            { "data-feature": f.name, class: f.drifted ? "drifted" : "" },
            h("td", { text: f.name }),
            h("td", { text: f.kind === "psi" ? "PSI" : "KS" }),
            h("td", { class: "num", text: fmt.num(f.score, 3) }),
            h("td", { class: "num", text: fmt.num(f.threshold, 3) }),
            h(
              "td",
              {},
              h("span", {
                class: `badge ${f.drifted ? "action-rollback" : f.status && f.status !== "ok" ? "" : "action-continue"}`,
                text: f.drifted ? "drifted" : f.status && f.status !== "ok" ? f.status : "stable",
              }),
            ),
            h("td", { class: "num", text: fmt.num(f.samples) }),
            h("td", {}, sparkline(f.baseline, f.live)),
          ),
        ),
      ),
    ),
  );
}
