import type { TickReport } from "../../experiments/controller.js";
import type { SimulationSummary } from "../../simulation/simulate.js";

const percent = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : "–");

/** Simulated time as `Mon 12:40` (the city's clock is UTC). */
export function simTime(ms: number): string {
  const d = new Date(ms);
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.getUTCDay()];
  return `${day} ${d.toISOString().slice(11, 16)}`;
}

/**
 * The live demo's status every few seconds: simulated time, the traffic so far and each
 * variant's lists, CTR and booking rate as the simulated users saw them; then, on its own line,
 * what the controller last concluded from the event log.
 */
export function statusLines(now: number, traffic: SimulationSummary | null, controller: string): string {
  const parts = [`[sim ${simTime(now)}]`];
  if (traffic) {
    parts.push(
      `${traffic.visits} lists` +
        (traffic.dropped ? ` (${traffic.dropped} sessions over --rate skipped)` : "") +
        (traffic.errors ? `, ${traffic.errors} errors` : ""),
    );
    for (const [variant, v] of Object.entries(traffic.variants)) {
      parts.push(
        `${variant} ${v.impressions} lists, CTR ${percent(v.ctr)}, booked ${percent(v.bookingRate)}`,
      );
    }
  }
  return `${parts.join(" · ")}
  controller: ${controller}`;
}

/** The controller's latest conclusion for the status line (null: nothing new to say). */
export function controllerSummary(report: TickReport): string | null {
  if (!report.leader) return "another controller holds the lease";
  return report.decision?.reason ?? null;
}
