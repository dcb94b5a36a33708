import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdir, rename, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { type Clock, systemClock } from "../core/clock.js";
import { PalateError } from "../core/errors.js";
import { readArtifact } from "../models/artifact/artifact-reader.js";
import type {
  ExperimentState,
  ModelVersionRecord,
  RegistryChange,
  Stage,
  StateStore,
  Transition,
} from "../storage/state/state-store.js";

/** Who asked for a change and why (kept in the history with the numbers behind it). */
export interface ChangeCause {
  actor: string;
  reason: string;
  stats?: Record<string, unknown>;
}

/** The stage changes each operation allows. */
const ALLOWED: Record<string, { from: Stage[]; to: Stage }> = {
  canary: { from: ["candidate"], to: "canary" },
  promote: { from: ["canary"], to: "champion" },
  rollback: { from: ["canary"], to: "rolled-back" },
  reject: { from: ["candidate"], to: "rejected" },
};

/** The registry's whole state for listings and the admin API. */
export interface RegistryStatus {
  versions: (ModelVersionRecord & { history: Transition[] })[];
  experiment: ExperimentState | null;
  revision: number;
}

/**
 * The model registry: versions copied into `DIR/versions/VERSION`, with stages and the history of
 * every transition in a state store. Every operation is one revision-checked commit, so two
 * controllers (or an admin and a controller) can never both promote: the second sees a stale
 * revision, re-reads, and finds the canary already gone.
 */
export class ModelRegistry {
  readonly dir: string;
  readonly store: StateStore;
  private readonly now: Clock;

  constructor(store: StateStore, options: { dir: string; clock?: Clock }) {
    this.store = store;
    this.dir = resolve(options.dir);
    this.now = options.clock ?? systemClock;
  }

  /**
   * Copies a trained version in (checksums verified first: a corrupt artifact is refused) as a
   * candidate; `champion: true` makes it the champion directly, allowed only while there is none.
   */
  async register(modelDir: string, cause: ChangeCause & { champion?: boolean }): Promise<ModelVersionRecord> {
    const artifact = await readArtifact(modelDir);
    const { version, metrics, dataSnapshot } = artifact.manifest;
    if (await this.store.getVersion(version))
      throw new PalateError(`version ${version} is already registered`);
    const target = join(this.dir, "versions", version);
    if (!existsSync(target)) {
      await mkdir(join(this.dir, "versions"), { recursive: true });
      const tmp = `${target}.tmp-${randomBytes(4).toString("hex")}`;
      await cp(modelDir, tmp, { recursive: true });
      await rename(tmp, target).catch(async (error) => {
        await rm(tmp, { recursive: true, force: true });
        throw error;
      });
    }
    const numeric = Object.fromEntries(
      Object.entries(metrics).filter(([, v]) => typeof v === "number"),
    ) as Record<string, number>;
    const record: ModelVersionRecord = {
      version,
      dir: target,
      stage: "candidate",
      registeredAt: this.now(),
      metrics: numeric,
      dataSnapshot: {
        interactions: dataSnapshot.interactions,
        maxTimestamp: dataSnapshot.maxTimestamp ?? null,
        source: dataSnapshot.source,
      },
    };
    await this.store.putVersion(record);
    await this.commit(version, null, "candidate", cause, async () => ({ stages: [] }));
    if (cause.champion) {
      await this.commit(version, "candidate", "champion", cause, async (versions) => {
        if (versions.some((v) => v.stage === "champion"))
          throw new PalateError("the registry has a champion already: start a canary and promote it instead");
        return {
          stages: [{ version, to: "champion" }],
          experiment: this.championOnly(version),
        };
      });
    }
    return { ...record, stage: cause.champion ? "champion" : "candidate" };
  }

  /** Starts a canary at `percent` of users (sticky per user); one canary at a time. */
  async startCanary(version: string, percent: number, cause: ChangeCause): Promise<void> {
    if (!(percent > 0 && percent <= 100))
      throw new PalateError(`canary percent must be in (0, 100], got ${percent}`);
    await this.transition(version, "canary", cause, async (versions, experiment) => {
      const champion = versions.find((v) => v.stage === "champion");
      if (!champion)
        throw new PalateError("no champion to compare a canary with: register one with --champion");
      if (experiment?.canary)
        throw new PalateError(
          `canary ${experiment.canary} is already running: promote or roll it back first`,
        );
      return {
        stages: [{ version, to: "canary" }],
        experiment: {
          id: newExperimentId(),
          champion: champion.version,
          canary: version,
          percent,
          startedAt: this.now(),
          paused: false,
        },
      };
    });
  }

  /** Makes the canary the champion; the old champion retires. */
  async promote(version: string, cause: ChangeCause): Promise<void> {
    await this.transition(version, "promote", cause, async (versions) => {
      const old = versions.find((v) => v.stage === "champion");
      return {
        stages: [
          ...(old ? [{ version: old.version, to: "retired" as Stage }] : []),
          { version, to: "champion" },
        ],
        extra: old ? [{ version: old.version, from: "champion" as Stage, to: "retired" as Stage }] : [],
        experiment: this.championOnly(version),
      };
    });
  }

  /** Stops the canary; the champion keeps serving everyone. */
  async rollback(version: string, cause: ChangeCause): Promise<void> {
    await this.transition(version, "rollback", cause, async (_versions, experiment) => ({
      stages: [{ version, to: "rolled-back" }],
      experiment: experiment ? { ...experiment, canary: null, percent: 0 } : null,
    }));
  }

  /** Records that a candidate failed the offline gate. */
  async reject(version: string, cause: ChangeCause): Promise<void> {
    await this.transition(version, "reject", cause, async () => ({ stages: [{ version, to: "rejected" }] }));
  }

  /** Pauses or resumes the live experiment (a paused canary gets no traffic and no decisions). */
  async setPaused(paused: boolean, cause: ChangeCause): Promise<void> {
    const experiment = await this.store.getExperiment();
    if (!experiment?.canary) throw new PalateError("no canary is running");
    const ok = await this.store.commit({
      stages: [],
      experiment: { ...experiment, paused },
      transitions: [],
    });
    if (!ok) throw new PalateError("the registry changed meanwhile; retry");
    void cause;
  }

  async status(): Promise<RegistryStatus> {
    const [revision, versions, experiment, history] = await Promise.all([
      this.store.revision(),
      this.store.listVersions(),
      this.store.getExperiment(),
      this.store.history(),
    ]);
    return {
      revision,
      experiment,
      versions: versions.map((v) => ({ ...v, history: history.filter((t) => t.version === v.version) })),
    };
  }

  /** The experiment state with a champion and no canary. */
  private championOnly(champion: string): ExperimentState {
    return {
      id: newExperimentId(),
      champion,
      canary: null,
      percent: 0,
      startedAt: this.now(),
      paused: false,
    };
  }

  private async transition(
    version: string,
    operation: keyof typeof ALLOWED,
    cause: ChangeCause,
    plan: Planner,
  ): Promise<void> {
    const rule = ALLOWED[operation];
    await this.commit(version, rule.from, rule.to, cause, plan);
  }

  /** Reads, plans and commits at the read revision; retries once if someone else wrote first. */
  private async commit(
    version: string,
    from: Stage[] | Stage | null,
    to: Stage,
    cause: ChangeCause,
    plan: Planner,
  ): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const revision = await this.store.revision();
      const [versions, experiment] = await Promise.all([
        this.store.listVersions(),
        this.store.getExperiment(),
      ]);
      const record = versions.find((v) => v.version === version);
      if (!record) throw new PalateError(`version ${version} is not registered`);
      const allowed = from === null ? null : Array.isArray(from) ? from : [from];
      if (allowed && !allowed.includes(record.stage)) {
        throw new PalateError(
          `version ${version} is ${record.stage}; this needs a version that is ${allowed.join(" or ")}`,
        );
      }
      const planned = await plan(versions, experiment);
      const at = this.now();
      const transitions: Transition[] = [
        ...(planned.extra ?? []).map((t) => ({
          ...t,
          at,
          actor: cause.actor,
          reason: `replaced by ${version}`,
        })),
        {
          version,
          from: from === null ? null : record.stage,
          to,
          at,
          actor: cause.actor,
          reason: cause.reason,
          stats: cause.stats,
        },
      ];
      const change: RegistryChange = { expectRevision: revision, stages: planned.stages, transitions };
      if (planned.experiment !== undefined) change.experiment = planned.experiment;
      if (await this.store.commit(change)) return;
    }
    throw new PalateError(`the registry kept changing while ${version} was being moved to ${to}; retry`);
  }
}

type Planner = (
  versions: ModelVersionRecord[],
  experiment: ExperimentState | null,
) => Promise<{
  stages: RegistryChange["stages"];
  experiment?: ExperimentState | null;
  extra?: Omit<Transition, "at" | "actor" | "reason">[];
}>;

function newExperimentId(): string {
  return `exp-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
}
