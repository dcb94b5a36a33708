import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { type Clock, systemClock } from "../core/clock.js";
import type {
  ExperimentState,
  ModelVersionRecord,
  RegistryChange,
  Stage,
  StateStore,
  Transition,
} from "../storage/state/state-store.js";
import { candidateRecord, copyVersionIn, verifiedManifest } from "./registry-intake.js";
import { checkMove, checkVersionName, RegistryError, requireVersion } from "./registry-rules.js";

/** Who asked for a change and why, kept in the history with the numbers behind it. */
export interface ChangeCause {
  /** "controller", "admin", "cli", "gate", … */
  actor: string;
  reason: string;
  stats?: Record<string, unknown>;
}

/** Options of `register`. */
export interface RegisterOptions extends ChangeCause {
  /** Make it the champion at once; allowed only while the registry has no champion. */
  champion?: boolean;
  /** Offline metrics measured outside training (the gate's nDCG@10, coverage); override the manifest's. */
  metrics?: Record<string, number>;
}

/** Everything the registry holds, for listings and the admin API. */
export interface RegistryStatus {
  /** Every version, oldest registration first, with its own transitions. */
  versions: (ModelVersionRecord & { history: Transition[] })[];
  experiment: ExperimentState | null;
  revision: number;
}

/** The registry as one commit saw it. */
interface Snapshot {
  revision: number;
  versions: ModelVersionRecord[];
  experiment: ExperimentState | null;
}

/** What an operation changes; null when there is nothing to do. */
type Plan = Omit<RegistryChange, "expectRevision"> | null;

/**
 * The model registry: versions copied into `DIR/versions/VERSION`, their stages, the live
 * experiment and the history of every transition in a state store. Every operation reads the
 * registry, checks the stage rules (`registry-rules.ts`) and writes one commit at the revision it
 * read, so two controllers (or an admin and a controller) can never both promote: the later
 * commit finds the revision moved, re-reads once, and then sees the canary already gone.
 */
export class ModelRegistry {
  readonly dir: string;
  readonly store: StateStore;
  private readonly now: Clock;
  private readonly newExperimentId: () => string;

  /** `clock` stamps registrations, transitions and experiment starts (blueprint: "Time"). */
  /**
   * `experimentIds` names new experiments; the default is random, since the id salts the sticky
   * assignment hash. Simulations and tests pass a deterministic one to make runs reproducible.
   */
  constructor(store: StateStore, options: { dir: string; clock?: Clock; experimentIds?: () => string }) {
    this.store = store;
    this.dir = resolve(options.dir);
    this.now = options.clock ?? systemClock;
    this.newExperimentId = options.experimentIds ?? randomExperimentId;
  }

  /**
   * Copies a trained version in as a candidate, after verifying every checksum (a corrupt
   * artifact is refused and nothing is copied), and records it with its first history entry in
   * one commit. With `champion: true` it becomes the champion in
   * the same commit, which is allowed only while the registry has no champion: that is how the
   * first version gets in; every later one must earn it through a canary.
   */
  async register(modelDir: string, options: RegisterOptions): Promise<ModelVersionRecord> {
    const source = resolve(modelDir);
    const manifest = await verifiedManifest(source);
    const { version } = manifest;
    checkVersionName(version, source);
    const existing = await this.store.getVersion(version);
    if (existing) {
      throw new RegistryError("conflict", `version ${version} is already registered (${existing.stage})`);
    }
    if (options.champion) {
      const champion = (await this.store.listVersions()).find((v) => v.stage === "champion");
      if (champion) throw championTaken(version, champion.version);
    }
    const dir = await copyVersionIn(source, manifest, join(this.dir, "versions"));
    const record = candidateRecord(manifest, dir, this.now(), options.metrics);
    // The record and its first transitions are one commit: a crash leaves either nothing in the
    // state store (the copied directory is reused by a retry) or the whole registration.
    await this.apply(`register ${version}`, (s) => {
      const taken = s.versions.find((v) => v.version === version);
      if (taken)
        throw new RegistryError("conflict", `version ${version} is already registered (${taken.stage})`);
      const champion = s.versions.find((v) => v.stage === "champion");
      // Another writer crowned a champion since the check above.
      if (options.champion && champion) throw championTaken(version, champion.version);
      const at = this.now();
      const entered = transition(version, null, "candidate", options, at);
      if (!options.champion) return { register: record, stages: [], transitions: [entered] };
      return {
        register: record,
        stages: [{ version, to: "champion" }],
        experiment: championOnly(this.newExperimentId(), version, at),
        transitions: [entered, transition(version, "candidate", "champion", options, at)],
      };
    }).catch((error: Error) => {
      // Someone registered the same version between our read and our commit.
      if (!(error instanceof RegistryError) && /already registered/.test(error.message)) {
        throw new RegistryError("conflict", error.message, { cause: error });
      }
      throw error;
    });
    return requireVersion(await this.store.listVersions(), version);
  }

  /** Starts a canary on `percent` of users (sticky per user): one canary at a time, beside a champion. */
  async startCanary(version: string, percent: number, cause: ChangeCause): Promise<ExperimentState> {
    if (!(Number.isFinite(percent) && percent > 0 && percent <= 100)) {
      throw new RegistryError("invalid", `canary percent must be in (0, 100], got ${percent}`);
    }
    const outcome = { started: null as ExperimentState | null };
    await this.apply(`start a canary of ${version}`, (s) => {
      const record = requireVersion(s.versions, version);
      checkMove("canary", record);
      const champion = s.versions.find((v) => v.stage === "champion");
      if (!champion) {
        throw new RegistryError(
          "conflict",
          `cannot start a canary of ${version}: there is no champion to compare it with (register one with --champion)`,
        );
      }
      if (s.experiment?.canary) {
        throw new RegistryError(
          "conflict",
          `cannot start a canary of ${version}: ${s.experiment.canary} is already the canary; promote or roll it back first`,
        );
      }
      const at = this.now();
      const experiment = {
        ...championOnly(this.newExperimentId(), champion.version, at),
        canary: version,
        percent,
      };
      outcome.started = experiment;
      const stats = { ...cause.stats, experimentId: experiment.id, percent };
      return {
        stages: [{ version, to: "canary" }],
        experiment,
        transitions: [transition(version, record.stage, "canary", { ...cause, stats }, at)],
      };
    });
    return outcome.started as ExperimentState;
  }

  /**
   * Makes the canary the champion and retires the old one; the experiment ends (everyone gets the
   * new champion). A candidate may be promoted directly only while there is no champion at all.
   */
  async promote(version: string, cause: ChangeCause): Promise<void> {
    await this.apply(`promote ${version}`, (s) => {
      const record = requireVersion(s.versions, version);
      const old = s.versions.find((v) => v.stage === "champion");
      checkMove("promote", record, old ? ["canary"] : ["canary", "candidate"]);
      const at = this.now();
      const retire = old ? [{ version: old.version, to: "retired" as Stage }] : [];
      const replaced = { ...cause, reason: `replaced by ${version}: ${cause.reason}` };
      return {
        stages: [...retire, { version, to: "champion" }],
        experiment: championOnly(this.newExperimentId(), version, at),
        transitions: [
          ...(old ? [transition(old.version, "champion", "retired", replaced, at)] : []),
          transition(version, record.stage, "champion", cause, at),
        ],
      };
    });
  }

  /** Stops the canary for good; the champion serves everyone again. */
  async rollback(version: string, cause: ChangeCause): Promise<void> {
    await this.apply(`roll back ${version}`, (s) => {
      const record = requireVersion(s.versions, version);
      checkMove("rollback", record);
      const e = s.experiment;
      return {
        stages: [{ version, to: "rolled-back" }],
        experiment: e?.canary === version ? { ...e, canary: null, percent: 0, paused: false } : undefined,
        transitions: [transition(version, record.stage, "rolled-back", cause, this.now())],
      };
    });
  }

  /** Records that a candidate failed the offline gate (the numbers go in `cause.stats`). */
  async reject(version: string, cause: ChangeCause): Promise<void> {
    await this.apply(`reject ${version}`, (s) => {
      const record = requireVersion(s.versions, version);
      checkMove("reject", record);
      return {
        stages: [{ version, to: "rejected" }],
        transitions: [transition(version, record.stage, "rejected", cause, this.now())],
      };
    });
  }

  /** Pauses the running canary: replicas send everyone to the champion and the controller decides nothing. */
  pause(cause: ChangeCause): Promise<void> {
    return this.setPaused(true, cause);
  }

  /** Resumes a paused canary (its minimum duration still counts from when it started). */
  resume(cause: ChangeCause): Promise<void> {
    return this.setPaused(false, cause);
  }

  /** Every version with its stage and transitions, and the experiment, as of one revision. */
  async status(): Promise<RegistryStatus> {
    // The reads are separate calls: retry while a write lands between them, so that the parts agree.
    for (let attempt = 0; ; attempt++) {
      const revision = await this.store.revision();
      const [versions, experiment, history] = await Promise.all([
        this.store.listVersions(),
        this.store.getExperiment(),
        this.store.history(),
      ]);
      if (attempt < 2 && (await this.store.revision()) !== revision) continue;
      return {
        revision,
        experiment,
        versions: versions.map((v) => ({ ...v, history: history.filter((t) => t.version === v.version) })),
      };
    }
  }

  private async setPaused(paused: boolean, cause: ChangeCause): Promise<void> {
    const verb = paused ? "pause" : "resume";
    await this.apply(`${verb} the canary`, (s) => {
      const e = s.experiment;
      if (!e?.canary) throw new RegistryError("conflict", `cannot ${verb}: no canary is running`);
      if (e.paused === paused) return null;
      // Not a stage change, but a decision all the same: the canary's history records it.
      const note = { ...cause, reason: `${paused ? "paused" : "resumed"}: ${cause.reason}` };
      return {
        stages: [],
        experiment: { ...e, paused },
        transitions: [transition(e.canary, "canary", "canary", note, this.now())],
      };
    });
  }

  /** Reads, plans and commits at the revision read; on a stale revision re-reads and tries once more. */
  private async apply(what: string, plan: (snapshot: Snapshot) => Plan): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      // The revision first: anything written after this read makes the commit stale.
      const revision = await this.store.revision();
      const [versions, experiment] = await Promise.all([
        this.store.listVersions(),
        this.store.getExperiment(),
      ]);
      const change = plan({ revision, versions, experiment });
      if (change === null) return;
      if (await this.store.commit({ ...change, expectRevision: revision })) return;
    }
    throw new RegistryError(
      "conflict",
      `could not ${what}: the registry changed twice while trying (another controller or admin is writing); nothing was changed, retry`,
    );
  }
}

function championTaken(version: string, champion: string): RegistryError {
  return new RegistryError(
    "conflict",
    `cannot make ${version} the champion: ${champion} is the champion already; start a canary of ${version} and promote it`,
  );
}

/** The experiment with a champion and no canary (a fresh id: the next canary gets its own anyway). */
function championOnly(id: string, champion: string, at: number): ExperimentState {
  return { id, champion, canary: null, percent: 0, startedAt: at, paused: false };
}

function transition(
  version: string,
  from: Stage | null,
  to: Stage,
  cause: ChangeCause,
  at: number,
): Transition {
  const t: Transition = { version, from, to, at, reason: cause.reason, actor: cause.actor };
  if (cause.stats !== undefined) t.stats = cause.stats;
  return t;
}

/** Hashed with user ids for sticky assignment, so it must be unique per canary, not ordered. */
function randomExperimentId(): string {
  return `exp-${randomBytes(6).toString("hex")}`;
}
