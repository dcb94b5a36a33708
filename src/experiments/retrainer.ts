import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Clock } from "../core/clock.js";
import type { InteractionStore } from "../storage/interactions/interaction-store.js";
import type { ModelVersionRecord } from "../storage/state/state-store.js";
import { checkFreshness, type Freshness } from "./freshness.js";
import { judgeGate } from "./offline-gate.js";
import type { ModelRegistry } from "./registry.js";
import type { RetrainResult } from "./retrain-job.js";
import type { RetrainRules } from "./retrain-rules.js";
import { RetrainRunner } from "./retrain-runner.js";

/** Options of the retrain step. */
export interface RetrainerOptions {
  registry: ModelRegistry;
  interactions: InteractionStore;
  /** The interaction store's URL, opened again by the retrain process. */
  interactionsUrl: string;
  rules: RetrainRules;
  clock: Clock;
  /**
   * Features whose drift asks for a retrain, as serving reports them (`GET /v1/admin/drift`'s
   * `retrain`); an empty list, or a failing signal, triggers nothing.
   */
  drift?: () => Promise<readonly string[]>;
}

/** What the retrain step did in one tick. */
export interface RetrainReport {
  action: "started" | "canary" | "rejected" | "deferred" | "failed" | "discarded";
  version?: string;
  reason: string;
}

/** Registry metric names the gate's outcome is kept under (they also let a restart finish the job). */
const PASSED = "gate.passed";
const SEEN_COUNT = "retrain.dataInteractions";
const SEEN_UNTIL = "retrain.dataUntil";

/**
 * The controller's retraining: when no canary is running and the data is stale, train a candidate
 * in a child process, judge it with the offline gate, register it and either start its canary or
 * record it as rejected. The registry's canary flow takes it from there. Only the lease holder
 * calls `step`, and `stop` kills a running retrain when the lease is lost, so there is at most
 * one retrain per deployment.
 */
export class Retrainer {
  readonly runner: RetrainRunner;
  private job: { champion: string; freshness: Freshness; dir: string } | null = null;
  /** A retrain found too few held-out users: wait for half as much new data again before the next. */
  private deferred: { champion: string; newInteractions: number } | null = null;

  constructor(private readonly o: RetrainerOptions) {
    this.runner = new RetrainRunner(o.rules.timeoutMs);
  }

  /** One step: finish what is done, else maybe start a retrain. */
  async step(): Promise<RetrainReport | null> {
    const taken = this.runner.take();
    if (taken) return this.finish(taken);
    if (this.runner.status().state === "running") return null;
    const status = await this.o.registry.status();
    // A gate outcome registered before a crash, whose canary or rejection did not follow.
    const pending = status.versions.find((v) => v.stage === "candidate" && PASSED in v.metrics);
    if (pending) return this.decide(pending, pending.metrics[PASSED] === 1, "(resumed after a restart)", {});
    if (status.experiment?.canary) return null;
    const champion = status.versions.find((v) => v.stage === "champion");
    if (!champion) return null;
    const baseline = baselineOf(status.versions, champion);
    const since = baseline.until;
    const newInteractions =
      since === null ? await this.o.interactions.count() : await this.o.interactions.countSince(after(since));
    const freshness = checkFreshness(
      {
        snapshotInteractions: baseline.interactions,
        newInteractions,
        registeredAt: baseline.registeredAt,
        now: this.o.clock(),
        drifted: await this.driftedFeatures(),
      },
      this.o.rules.freshness,
    );
    if (!freshness.stale) return null;
    const d = this.deferred;
    if (d?.champion === champion.version && newInteractions < d.newInteractions * 1.5) return null;
    // Only the leader retrains, so whatever is under the staging directory is a dead attempt's.
    const staging = join(this.o.registry.dir, ".retrain");
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    this.job = { champion: champion.version, freshness, dir: staging };
    this.runner.start({
      interactions: this.o.interactionsUrl,
      championDir: champion.dir,
      outDir: join(staging, "model"),
      since: champion.dataSnapshot.maxTimestamp ?? Number.NEGATIVE_INFINITY,
      holdoutShare: this.o.rules.gate.holdoutShare,
      minHoldoutUsers: this.o.rules.gate.minHoldoutUsers,
      training: this.o.rules.training,
    });
    return { action: "started", reason: `${freshness.reason}; retraining against ${champion.version}` };
  }

  private async driftedFeatures(): Promise<readonly string[]> {
    try {
      return (await this.o.drift?.()) ?? [];
    } catch {
      // Drift is an extra trigger: without its signal, freshness alone decides.
      return [];
    }
  }

  /** Kills a running retrain (the lease was lost or the controller stops). */
  async stop(): Promise<void> {
    this.job = null;
    await this.runner.stop();
  }

  private async finish(outcome: RetrainResult | { error: string }): Promise<RetrainReport> {
    const job = this.job;
    this.job = null;
    if ("error" in outcome) return { action: "failed", reason: `retrain failed: ${outcome.error}` };
    const status = await this.o.registry.status();
    const champion = status.versions.find((v) => v.stage === "champion");
    if (!job || champion?.version !== job.champion || status.experiment?.canary) {
      // The gate compared against a champion that is no longer the one serving alone.
      if (job) await rm(job.dir, { recursive: true, force: true });
      return {
        action: "discarded",
        version: outcome.version,
        reason: "the champion changed while retraining",
      };
    }
    if (outcome.deferred) {
      await rm(job.dir, { recursive: true, force: true });
      this.deferred = { champion: job.champion, newInteractions: job.freshness.stats.newInteractions };
      return {
        action: "deferred",
        reason: `${outcome.holdoutUsers} held-out users < ${this.o.rules.gate.minHoldoutUsers}: too few to judge a candidate; waiting for more data`,
      };
    }
    const verdict = judgeGate(outcome.champion, outcome.candidate, outcome.holdoutUsers, this.o.rules.gate);
    const stats = {
      ...verdict.stats,
      holdoutCut: outcome.cut,
      trainedInteractions: outcome.trainedInteractions,
      retrainSeconds: outcome.seconds,
      ...job.freshness.stats,
    };
    const record = await this.o.registry.register(outcome.modelDir, {
      actor: "retrain",
      reason: `retrained: ${job.freshness.reason}`,
      stats,
      metrics: {
        "gate.ndcg10": outcome.candidate.ndcg,
        "gate.coverage": outcome.candidate.coverage,
        "gate.championNdcg10": outcome.champion.ndcg,
        "gate.championCoverage": outcome.champion.coverage,
        [PASSED]: verdict.pass ? 1 : 0,
        // Everything this attempt read, holdout included: freshness is measured from here next.
        [SEEN_COUNT]: outcome.dataInteractions,
        ...(outcome.dataUntil === null ? {} : { [SEEN_UNTIL]: outcome.dataUntil }),
      },
    });
    await rm(job.dir, { recursive: true, force: true });
    return this.decide(record, verdict.pass, verdict.reason, stats);
  }

  private async decide(
    record: ModelVersionRecord,
    pass: boolean,
    reason: string,
    stats: Record<string, unknown>,
  ): Promise<RetrainReport> {
    const cause = { actor: "gate", reason, stats: { ...gateMetrics(record), ...stats } };
    if (pass) {
      await this.o.registry.startCanary(record.version, this.o.rules.canaryPercent, cause);
      return { action: "canary", version: record.version, reason };
    }
    await this.o.registry.reject(record.version, cause);
    return { action: "rejected", version: record.version, reason };
  }
}

/** The data a version was built from: what it trained on, or for a retrain everything it read (holdout included). */
interface Seen {
  interactions: number;
  until: number | null;
  registeredAt: number;
}

function seenBy(v: ModelVersionRecord): Seen {
  const m = v.metrics;
  if (SEEN_COUNT in m)
    return { interactions: m[SEEN_COUNT], until: m[SEEN_UNTIL] ?? null, registeredAt: v.registeredAt };
  return {
    interactions: v.dataSnapshot.interactions,
    until: v.dataSnapshot.maxTimestamp,
    registeredAt: v.registeredAt,
  };
}

/**
 * What freshness is measured against: the champion, or a later attempt that read newer data (a
 * rejected or rolled-back retrain), so that data already tried is not retrained on again.
 */
function baselineOf(versions: readonly ModelVersionRecord[], champion: ModelVersionRecord): Seen {
  let baseline = seenBy(champion);
  for (const v of versions) {
    if (v.registeredAt < champion.registeredAt || v.stage === "retired") continue;
    const seen = seenBy(v);
    if ((seen.until ?? -Infinity) > (baseline.until ?? -Infinity)) baseline = seen;
  }
  return baseline;
}

/** The first time strictly after `t` that the store can tell apart (timestamps are unix seconds, stored as doubles). */
function after(t: number): number {
  return t + 1e-3;
}

function gateMetrics(record: ModelVersionRecord): Record<string, number> {
  return Object.fromEntries(Object.entries(record.metrics).filter(([k]) => k.startsWith("gate.")));
}
