import { z } from "zod";
import { InputError } from "../../core/errors.js";
import type { DecisionRules } from "../../experiments/decision.js";
import { DecisionRulesSchema } from "../../experiments/decision.js";

/** The demo's flags after commander parsed them (commander turns `--no-x` into `x: false`). */
export const DemoFlagsSchema = z
  .object({
    dir: z.string().min(1, "--dir must not be empty"),
    port: z.number().int().min(0).max(65_535),
    serve: z.boolean(),
    traffic: z.boolean(),
    retrain: z.boolean(),
    rate: z.number().gt(0).max(1000),
    users: z.number().int().min(50).max(1_000_000),
    restaurants: z.number().int().min(20).max(100_000),
  })
  .strict();

export type DemoFlags = z.infer<typeof DemoFlagsSchema>;

/** Validates the flags together (each one is range-checked by its parser already). */
export function demoFlags(raw: unknown): DemoFlags {
  const parsed = DemoFlagsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError({ source: `--${String(issue.path[0] ?? "demo")}` }, issue.message);
  }
  return parsed.data;
}

/** The sample city: 4 weeks of history, so "last week's model" and "this week's" both exist. */
export const CITY_DAYS = 28;
export const CITY_SEED = 42;
/** The champion was trained a week ago: on everything but the city's last 7 days. */
export const CHAMPION_HOLDBACK_DAYS = 7;
/** Share of users (sticky) the canary serves. */
export const CANARY_PERCENT = 10;

/**
 * Simulated seconds per real second: one simulated day per real minute, so the dashboard shows a
 * lunch and a dinner peak within a minute and a few simulated hours pass in seconds.
 */
export const DEMO_SPEED = 1440;
/** Simulated hour of day the live traffic starts at: just before the lunch peak. */
export const DEMO_START_HOUR = 11;
/** Real ms between controller ticks (48 simulated minutes at DEMO_SPEED). */
export const CONTROLLER_INTERVAL_MS = 2000;
/** Real seconds between status lines. */
export const REPORT_EVERY_SECONDS = 5;
/**
 * The traffic model is scaled so its mean demand is this many times `--rate`: the meal-time
 * peaks are then cut by the rate cap (skipped sessions) and the quiet hours still have traffic.
 */
export const DEMAND_OVER_RATE = 2;

/**
 * Decision rules for a demo: the production defaults wait 7 days and 2,000 impressions a variant;
 * here 6 simulated hours (15 real seconds) and 300 impressions a variant (about two minutes of a
 * 10% canary at the default rate), and the always-valid tests and guardrails act from 100. With
 * 100 lists a canary 20% worse in CTR was promoted (nothing could be proven); at 300 the
 * promotion check (`promotionZ`) holds such a canary back. Still a demo, not a verdict.
 */
export const DEMO_RULE_OVERRIDES = {
  minDurationMs: 6 * 3600 * 1000,
  minImpressions: 300,
  minImpressionsForTests: 100,
  minImpressionsForGuardrails: 100,
};
export const DEMO_RULES: DecisionRules = DecisionRulesSchema.parse(DEMO_RULE_OVERRIDES);

/**
 * Sessions a user starts per simulated day so that the city's mean demand is
 * `DEMAND_OVER_RATE` × `rate` requests per real second at `speed`.
 */
export function sessionsPerUserDay(rate: number, users: number, speed = DEMO_SPEED): number {
  return (DEMAND_OVER_RATE * rate * 86_400) / (speed * users);
}

/** The first `hour`:00 (UTC, the city's clock) at or after unix ms `afterMs`. */
export function nextHourOfDay(afterMs: number, hour: number): number {
  const day = 86_400_000;
  const candidate = Math.floor(afterMs / day) * day + hour * 3_600_000;
  return candidate >= afterMs ? candidate : candidate + day;
}
