// The dashboard's entry: reads what the server offers, asks for the admin token when it needs
// one, then refreshes every panel on the server's sampling interval.
import { ApiError, adminToken, forgetAdminToken, getJson, postJson, setAdminToken } from "./api.js";
import { h, show } from "./dom.js";
import { renderDrift } from "./drift-panel.js";
import { renderExperiment } from "./experiment-panel.js";
import { renderRegistry } from "./registry-panel.js";
import { renderServing } from "./serving-panel.js";
import { setUpTryIt } from "./try-it-panel.js";

const $ = (id) => document.getElementById(id);
let config = null;
let refreshes = 0;

function notice(text) {
  const el = $("notice");
  el.hidden = !text;
  el.textContent = text ?? "";
}

function updateAccess() {
  const needsToken = config.access === "token";
  const hasToken = Boolean(adminToken());
  $("token-form").hidden = !needsToken || hasToken;
  $("forget-token").hidden = !hasToken;
  $("access-state").textContent =
    config.access === "off"
      ? "read-only: no admin token configured"
      : config.access === "open"
        ? config.writes && hasToken
          ? "demo mode · admin token in use"
          : "demo mode: read-only"
        : hasToken
          ? "admin token in use"
          : "admin token needed";
}

/** Registry writes, offered only when the server has a token and the page holds it. */
function actions() {
  if (!config.writes || !adminToken()) return null;
  const act = async (label, path) => {
    if (!window.confirm(`${label}?`)) return;
    try {
      await postJson(path, { reason: `${label} from the dashboard` });
      notice(null);
    } catch (error) {
      notice(`${label} failed: ${error.message}`);
    }
    await refresh();
  };
  const model = (v, action) => `/v1/admin/models/${encodeURIComponent(v)}/${action}`;
  return {
    promote: (v) => act(`Promote ${v} to champion`, model(v, "promote")),
    rollback: (v) => act(`Roll back ${v}`, model(v, "rollback")),
    pause: () => act("Pause the canary", "/v1/admin/experiment/pause"),
    resume: () => act("Resume the canary", "/v1/admin/experiment/resume"),
  };
}

async function refreshStatus() {
  if (config.access === "off") {
    const text =
      "Registry and experiment views are off: this server has no PALATE_ADMIN_TOKEN (set one, or run `palate demo`).";
    for (const id of ["registry", "experiment"])
      show(document.querySelector(`#${id} [data-role="body"]`), h("p", { class: "muted", text }));
    return;
  }
  if (config.access === "token" && !adminToken()) {
    for (const id of ["registry", "experiment"])
      show(
        document.querySelector(`#${id} [data-role="body"]`),
        h("p", { class: "muted", text: "Enter the admin token above to see this panel." }),
      );
    return;
  }
  try {
    const status = await getJson("/v1/dashboard/status", { auth: true });
    const s = status.serving;
    $("serving-summary").textContent = s
      ? `champion ${s.champion}${s.canary ? ` · canary ${s.canary}` : ""}`
      : "no model loaded";
    renderRegistry(status, actions());
    renderExperiment(status, actions());
    notice(status.sampling_error ? `sampling the experiment failed: ${status.sampling_error}` : null);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      forgetAdminToken();
      updateAccess();
      notice("The admin token was refused; enter it again.");
    } else notice(`status: ${error.message}`);
  }
}

async function refreshDrift() {
  if (!config.drift) return renderDrift({ unavailable: "drift detection not enabled" });
  // Asking without the token would only earn a 401.
  if (config.access === "token" && !adminToken())
    return renderDrift({ unavailable: "drift needs the admin token" });
  try {
    renderDrift({ body: await getJson("/v1/admin/drift", { auth: true }) });
  } catch (error) {
    const status = error instanceof ApiError ? error.status : 0;
    renderDrift({
      unavailable:
        status === 404
          ? "drift detection not enabled"
          : status === 401
            ? "drift needs the admin token"
            : `drift: ${error.message}`,
    });
  }
}

async function refreshServing() {
  try {
    renderServing(await getJson("/v1/dashboard/serving"));
  } catch (error) {
    notice(`serving: ${error.message}`);
  }
}

async function refresh() {
  await Promise.all([refreshStatus(), refreshServing(), refreshDrift()]);
  document.body.dataset.refreshes = String(++refreshes);
}

async function main() {
  config = await getJson("/v1/dashboard/config");
  if (config.model_version) $("serving-summary").textContent = `model ${config.model_version}`;
  updateAccess();
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const token = $("token-input").value.trim();
    if (!token) return;
    setAdminToken(token);
    $("token-input").value = "";
    updateAccess();
    void refresh();
  });
  $("forget-token").addEventListener("click", () => {
    forgetAdminToken();
    updateAccess();
    void refresh();
  });
  await Promise.all([setUpTryIt(), refresh()]);
  setInterval(() => void refresh(), Math.max(2_000, config.sample_ms));
}

main().catch((error) => notice(`the dashboard could not start: ${error.message}`));
