// Model registry: every version with its stage, offline metrics and history of transitions.
import { fmt, h, panelBody, show } from "./dom.js";

const body = () => panelBody("registry");

// Ranking metrics first; blend weights and per-bucket details only when nothing else is there.
const RANKING = /ndcg|precision|recall|map|hit|coverage/i;

function metricsText(metrics) {
  const all = Object.entries(metrics ?? {});
  const ranking = all.filter(([k]) => RANKING.test(k) && !k.startsWith("weights."));
  const entries = (ranking.length > 0 ? ranking : all).slice(0, 3);
  if (entries.length === 0) return "–";
  return entries.map(([k, v]) => `${k} ${typeof v === "number" ? v.toFixed(3) : v}`).join(" · ");
}

function historyOf(version) {
  if (version.history.length === 0) return null;
  return h(
    "details",
    { class: "history" },
    h("summary", { text: `history (${version.history.length})` }),
    h(
      "ol",
      {},
      version.history.map((t) =>
        h(
          "li",
          {},
          h("span", { class: "muted", text: fmt.time(t.at) }),
          ` ${t.from ?? "new"} → ${t.to} by ${t.actor}: ${t.reason}`,
        ),
      ),
    ),
  );
}

/**
 * Renders the registry (status.models, RegistryStatus) or, serving a single model version, that
 * version. `actions` is null when the page cannot write; else { promote(v), rollback(v) }.
 */
export function renderRegistry(status, actions) {
  if (!status.models) {
    const version = status.serving?.champion ?? "none";
    show(
      body(),
      h("p", {}, "Serving one model version: ", h("code", { text: version })),
      h("p", {
        class: "muted",
        text: "Not a registry: `palate serve --registry DIR` serves a champion and a canary with stages and history.",
      }),
    );
    return;
  }
  const versions = [...status.models.versions].reverse();
  const rows = versions.map((v) => {
    const last = v.history.at(-1);
    const buttons =
      actions && v.stage === "canary"
        ? [
            h("button", { type: "button", text: "Promote", onclick: () => actions.promote(v.version) }),
            h("button", {
              type: "button",
              class: "danger",
              text: "Roll back",
              onclick: () => actions.rollback(v.version),
            }),
          ]
        : [];
    return h(
      "tr",
      { "data-version": v.version, "data-stage": v.stage },
      h("td", {}, h("code", { text: v.version }), historyOf(v)),
      h("td", {}, h("span", { class: `badge stage-${v.stage}`, text: v.stage })),
      h("td", { class: "muted", text: fmt.time(v.registeredAt) }),
      h("td", { text: metricsText(v.metrics) }),
      h("td", { class: "num", text: fmt.num(v.dataSnapshot?.interactions) }),
      h("td", { text: last ? `${last.actor}: ${last.reason}` : "–" }),
      h("td", { class: "actions" }, buttons),
    );
  });
  show(
    body(),
    h(
      "table",
      { class: "table registry-table" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["version", "stage", "registered", "offline metrics", "interactions", "last change", ""].map((t) =>
            h("th", { text: t }),
          ),
        ),
      ),
      h("tbody", {}, rows),
    ),
  );
}
