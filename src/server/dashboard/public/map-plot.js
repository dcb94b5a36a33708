// A map-like plot drawn locally in SVG (no tile server: the demo runs offline): the catalogue as
// faint dots, the user's home, and the recommended items numbered by rank.
import { s } from "./dom.js";

const W = 640;
const H = 420;
const PAD = 24;
const KM_PER_DEG_LAT = 111.32;

function haversineKm(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const x = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(x)));
}

/**
 * An equirectangular projection fitted to the points, with longitude shrunk by cos(latitude) so
 * a kilometre is as long east–west as north–south at a city's scale.
 */
function projection(points) {
  const lats = points.map((p) => p.lat);
  const lons = points.map((p) => p.lon);
  const minLat = Math.min(...lats);
  const maxLat = Math.max(...lats);
  const minLon = Math.min(...lons);
  const maxLon = Math.max(...lons);
  const kx = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const spanX = Math.max((maxLon - minLon) * kx, 1e-4);
  const spanY = Math.max(maxLat - minLat, 1e-4);
  const scale = Math.min((W - 2 * PAD) / spanX, (H - 2 * PAD) / spanY);
  const offX = (W - spanX * scale) / 2;
  const offY = (H - spanY * scale) / 2;
  return {
    x: (lon) => offX + (lon - minLon) * kx * scale,
    y: (lat) => H - offY - (lat - minLat) * scale,
    pxPerKm: scale / KM_PER_DEG_LAT,
  };
}

function scaleBar(pxPerKm) {
  const target = W / 5 / pxPerKm;
  const km = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500].find((k) => k >= target / 2) ?? 1000;
  const length = km * pxPerKm;
  const y = H - 10;
  return s(
    "g",
    { class: "scale-bar" },
    s("line", { x1: PAD, y1: y, x2: PAD + length, y2: y }),
    s("text", { x: PAD + length + 6, y: y + 4, text: `${km} km` }),
  );
}

const located = (p) => p && Number.isFinite(p.lat) && Number.isFinite(p.lon);

/**
 * The plot of one list: `catalog` [[id, lat, lon], …] frames the city, `home` { lat, lon } or
 * null, `items` [{ item_id, title, categories, lat, lon }] in rank order.
 */
export function mapPlot({ catalog, home, items }) {
  const background = catalog.map(([id, lat, lon]) => ({ id, lat, lon }));
  const shown = items.filter(located);
  const frame = [...background, ...shown, ...(located(home) ? [home] : [])];
  if (frame.length === 0) return null;
  const p = projection(frame);
  const children = [
    s("rect", { class: "map-bg", x: 0, y: 0, width: W, height: H }),
    s(
      "g",
      { class: "catalog-dots" },
      background.map((b) =>
        s("circle", { class: "catalog-dot", cx: p.x(b.lon).toFixed(1), cy: p.y(b.lat).toFixed(1), r: 2 }),
      ),
    ),
  ];
  if (located(home)) {
    children.push(
      s(
        "g",
        { class: "home-links" },
        shown.map((item) =>
          s("line", { x1: p.x(home.lon), y1: p.y(home.lat), x2: p.x(item.lon), y2: p.y(item.lat) }),
        ),
      ),
    );
  }
  // Lowest rank drawn last, so the first recommendation sits on top where markers overlap.
  const markers = shown
    .map((item) => ({ item, rank: items.indexOf(item) + 1 }))
    .reverse()
    .map(({ item, rank }) => {
      const away = located(home) ? ` · ${haversineKm(home, item).toFixed(1)} km from home` : "";
      return s(
        "g",
        {
          class: "item-marker",
          "data-item": item.item_id,
          transform: `translate(${p.x(item.lon).toFixed(1)} ${p.y(item.lat).toFixed(1)})`,
        },
        s("title", {
          text: `#${rank} ${item.title ?? item.item_id} (${(item.categories ?? []).join(", ")})${away}`,
        }),
        s("circle", { r: 10 }),
        s("text", { y: 4, text: String(rank) }),
      );
    });
  children.push(s("g", {}, markers));
  if (located(home)) {
    children.push(
      s(
        "g",
        {
          class: "home-marker",
          transform: `translate(${p.x(home.lon).toFixed(1)} ${p.y(home.lat).toFixed(1)})`,
        },
        s("title", { text: `home (${home.source === "preferences" ? "declared" : "training profile"})` }),
        s("rect", { x: -7, y: -7, width: 14, height: 14, rx: 2 }),
        s("text", { x: 12, y: 4, text: "home" }),
      ),
    );
  }
  children.push(scaleBar(p.pxPerKm));
  return s(
    "svg",
    {
      class: "map-plot",
      viewBox: `0 0 ${W} ${H}`,
      role: "img",
      "aria-label": "recommended items on a map of the city",
    },
    children,
  );
}
