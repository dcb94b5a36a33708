// Small DOM helpers: every text goes in through textContent, never as markup.

const SVG_NS = "http://www.w3.org/2000/svg";

function fill(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") el.textContent = String(value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(typeof child === "string" || typeof child === "number" ? String(child) : child);
  }
  return el;
}

/** An HTML element: h("td", { class: "num" }, "12"). */
export function h(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

/** An SVG element. */
export function s(tag, attrs, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** Replaces an element's content. */
export function show(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

/** The body of a panel section. */
export function panelBody(id) {
  return document.querySelector(`#${id} [data-role="body"]`);
}

export const fmt = {
  pct: (x, digits = 2) => (x === null || x === undefined ? "–" : `${(100 * x).toFixed(digits)}%`),
  num: (x, digits = 0) =>
    x === null || x === undefined
      ? "–"
      : Number(x).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }),
  ms: (x) => (x === null || x === undefined ? "–" : `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`),
  time: (ms) => (ms ? new Date(ms).toISOString().replace("T", " ").slice(0, 19) : "–"),
  duration: (ms) => {
    const minutes = Math.max(0, Math.round(ms / 60_000));
    if (minutes < 120) return `${minutes} min`;
    const hours = minutes / 60;
    return hours < 48 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(1)} d`;
  },
};
