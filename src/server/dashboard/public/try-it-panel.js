// "Try it": pick or type a user, see their recommendations with reasons and, for restaurant
// data, where the items are relative to the user's home.
import { getJson } from "./api.js";
import { fmt, h, panelBody, show } from "./dom.js";
import { mapPlot } from "./map-plot.js";

let catalog = null;

async function loadCatalog() {
  catalog ??= await getJson("/v1/dashboard/catalog");
  return catalog;
}

function resultTable(list, places) {
  const byId = new Map(places.items.map((p) => [p.item_id, p]));
  return h(
    "table",
    { class: "table results-table" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["#", "item", "categories", "price", "score", "reasons"].map((t) => h("th", { text: t })),
      ),
    ),
    h(
      "tbody",
      {},
      list.items.map((item, i) => {
        const meta = byId.get(item.item_id) ?? {};
        return h(
          "tr",
          { "data-item": item.item_id },
          h("td", { class: "num", text: String(i + 1) }),
          h("td", {}, meta.title ? `${meta.title} ` : "", h("code", { class: "muted", text: item.item_id })),
          h("td", { text: (meta.categories ?? []).join(", ") || "–" }),
          h("td", { class: "num", text: meta.price === undefined ? "–" : String(meta.price) }),
          h("td", { class: "num", text: fmt.num(item.score, 3) }),
          h(
            "td",
            {},
            item.reasons.map((r) => h("span", { class: `reason reason-${r}`, text: r })),
          ),
        );
      }),
    ),
  );
}

async function recommend(userId, k, out) {
  show(out, h("p", { class: "muted", text: `asking for ${k} recommendations for ${userId} …` }));
  try {
    const query = new URLSearchParams({ user_id: userId, k: String(k) });
    const list = await getJson(`/v1/recommendations?${query}`);
    const ids = list.items.map((i) => i.item_id).join(",");
    const [places, background] = await Promise.all([
      getJson(`/v1/dashboard/places?${new URLSearchParams({ user_id: userId, items: ids })}`),
      loadCatalog(),
    ]);
    const home = places.user?.home ?? null;
    const plot =
      background.points.length > 0 || home
        ? mapPlot({ catalog: background.points, home, items: places.items })
        : null;
    show(
      out,
      h(
        "p",
        { class: "list-meta" },
        `${list.items.length} items for `,
        h("code", { text: list.user_id }),
        ` from ${list.variant} `,
        h("code", { text: list.model_version }),
        list.fallback ? h("span", { class: "badge paused", text: `fallback: ${list.fallback}` }) : null,
        home ? null : h("span", { class: "muted", text: " · home unknown" }),
      ),
      h(
        "div",
        { class: "try-it-results" },
        resultTable(list, places),
        plot ? h("div", { class: "map-holder" }, plot) : null,
      ),
    );
  } catch (error) {
    show(out, h("p", { class: "error", text: `recommendations failed: ${error.message}` }));
  }
}

/** Builds the panel once (the form keeps its state across refreshes of the other panels). */
export async function setUpTryIt() {
  const root = panelBody("try-it");
  const input = h("input", {
    id: "try-user",
    list: "try-users",
    placeholder: "user id",
    autocomplete: "off",
    required: true,
  });
  const k = h("input", { id: "try-k", type: "number", min: 1, max: 50, value: 10 });
  const options = h("datalist", { id: "try-users" });
  const out = h("div", { class: "try-it-out" });
  const form = h(
    "form",
    { class: "try-it-form" },
    h("label", { for: "try-user", text: "User" }),
    input,
    options,
    h("label", { for: "try-k", text: "k" }),
    k,
    h("button", { type: "submit", text: "Recommend" }),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const userId = input.value.trim();
    if (userId) void recommend(userId, Math.min(50, Math.max(1, Number(k.value) || 10)), out);
  });
  show(root, form, out);
  try {
    const c = await loadCatalog();
    show(
      options,
      c.users.map((u) => h("option", { value: u })),
    );
    if (!input.value && c.users.length > 0) input.value = c.users[0];
  } catch (error) {
    show(out, h("p", { class: "muted", text: `no catalogue yet: ${error.message}` }));
  }
}
