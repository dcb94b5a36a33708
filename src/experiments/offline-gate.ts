import { z } from "zod";

/** The offline gate's tolerances and holdout (part of `--rules F`, key `retrain.gate`). */
export const GateRulesSchema = z
  .object({
    /**
     * The candidate's nDCG@10 may be lower than the champion's by this share of it. Generous by
     * default because the holdout is biased towards the champion: its users acted on the
     * champion's lists (see docs/continuous-delivery.md); the canary is the real comparison.
     */
    maxNdcgDrop: z.number().min(0).max(1).default(0.1),
    /** The candidate's catalogue coverage may be lower than the champion's by this share of it. */
    maxCoverageDrop: z.number().min(0).max(1).default(0.1),
    /**
     * The candidate must beat the champion's nDCG@10 by at least this share (0: holding level is
     * enough). A positive value demands an improvement before a canary is spent on it.
     */
    minNdcgGain: z.number().min(0).default(0),
    /** Share of the interactions newer than the champion's snapshot held out (the newest ones). */
    holdoutShare: z.number().gt(0).lt(1).default(0.5),
    /**
     * Fewer held-out users than this and the gate cannot judge (per-user nDCG varies too much):
     * the retrain is deferred untrained until half as much new data again has arrived.
     */
    minHoldoutUsers: z.number().int().min(1).default(50),
  })
  .strict()
  .prefault({});

/** Parsed gate rules. */
export type GateRules = z.infer<typeof GateRulesSchema>;

/** One model's offline numbers on the holdout. */
export interface GateMeasure {
  ndcg: number;
  coverage: number;
}

/** The gate's verdict with every number behind it, for the history. */
export interface GateVerdict {
  pass: boolean;
  reason: string;
  stats: {
    championNdcg: number;
    candidateNdcg: number;
    championCoverage: number;
    candidateCoverage: number;
    holdoutUsers: number;
    maxNdcgDrop: number;
    maxCoverageDrop: number;
    minNdcgGain: number;
  };
}

/**
 * The offline gate, a pure function: the candidate passes when, on the same holdout, its nDCG@10
 * is at least the champion's × (1 − maxNdcgDrop) (× (1 + minNdcgGain) when a gain is required)
 * and its catalogue coverage at least the champion's × (1 − maxCoverageDrop).
 */
export function judgeGate(
  champion: GateMeasure,
  candidate: GateMeasure,
  holdoutUsers: number,
  rules: GateRules,
): GateVerdict {
  const stats = {
    championNdcg: champion.ndcg,
    candidateNdcg: candidate.ndcg,
    championCoverage: champion.coverage,
    candidateCoverage: candidate.coverage,
    holdoutUsers,
    maxNdcgDrop: rules.maxNdcgDrop,
    maxCoverageDrop: rules.maxCoverageDrop,
    minNdcgGain: rules.minNdcgGain,
  };
  const numbers = `nDCG@10 ${f(candidate.ndcg)} vs ${f(champion.ndcg)}, coverage ${f(candidate.coverage)} vs ${f(champion.coverage)} on ${holdoutUsers} held-out users`;
  const fail = (why: string): GateVerdict => ({
    pass: false,
    reason: `gate failed: ${why} (${numbers})`,
    stats,
  });
  if (holdoutUsers < rules.minHoldoutUsers) {
    return fail(`${holdoutUsers} held-out users < ${rules.minHoldoutUsers}, too few to judge`);
  }
  if (![champion.ndcg, candidate.ndcg, champion.coverage, candidate.coverage].every(Number.isFinite)) {
    return fail("a metric is not a number");
  }
  const ndcgFloor =
    rules.minNdcgGain > 0 ? champion.ndcg * (1 + rules.minNdcgGain) : champion.ndcg * (1 - rules.maxNdcgDrop);
  if (candidate.ndcg < ndcgFloor) return fail(`nDCG@10 below ${f(ndcgFloor)}`);
  const coverageFloor = champion.coverage * (1 - rules.maxCoverageDrop);
  if (candidate.coverage < coverageFloor) return fail(`coverage below ${f(coverageFloor)}`);
  return { pass: true, reason: `gate passed: ${numbers}`, stats };
}

function f(x: number): string {
  return x.toFixed(4);
}
