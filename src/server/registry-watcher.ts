import { PalateError } from "../core/errors.js";
import type { ModelSet } from "../recommend/recommend-service.js";
import type { ServingModel } from "../recommend/serving-model.js";
import type { ExperimentState, ModelVersionRecord, StateStore } from "../storage/state/state-store.js";

/** What a replica should serve according to the registry. */
interface Desired {
  champion: ModelVersionRecord;
  canary: ModelVersionRecord | null;
  experiment: ExperimentState | null;
}

/**
 * Keeps a replica's models in step with the registry: polls the state store's revision (every
 * 500 ms by default, well inside the 2 s a promotion may take to reach every replica), loads
 * versions it does not hold yet, and swaps the champion/canary set in one assignment. A version
 * that fails to load is reported and the current set keeps serving; the next change retries, and
 * so does the same revision once `retryFailedMs` has passed (a volume that finishes syncing is
 * picked up), but not on every poll: verifying a large artifact re-hashes gigabytes, and a broken
 * canary would otherwise keep every replica doing that twice a second.
 */
export class RegistryWatcher {
  private readonly store: StateStore;
  private readonly load: (record: ModelVersionRecord) => Promise<ServingModel>;
  private readonly loaded = new Map<string, ServingModel>();
  private revision = -1;
  private timer: NodeJS.Timeout | null = null;
  /** The check running now, if any (checks never overlap). */
  private running: Promise<void> | null = null;
  /** The revision whose set last failed to load, and when it may be tried again. */
  private failedRevision = -1;
  private retryAt = 0;
  private readonly retryFailedMs: number;
  private readonly now: () => number;
  /** Called with each new set; the caller swaps it into the service. */
  onSwap: (set: ModelSet) => void = () => {};
  /** Called when a version fails to load (the current set keeps serving). */
  onError: (error: Error) => void = () => {};
  /**
   * Called when the state store cannot be read (the current set keeps serving, the next poll
   * retries): once per outage, on the first failed poll after a good one, not twice a second.
   */
  onStoreError: (error: Error) => void = () => {};
  private storeFailing = false;

  constructor(
    store: StateStore,
    load: (record: ModelVersionRecord) => Promise<ServingModel>,
    options: { retryFailedMs?: number; now?: () => number } = {},
  ) {
    this.store = store;
    this.load = load;
    this.retryFailedMs = options.retryFailedMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Loads what the registry says to serve now; throws when it has no champion. */
  async initial(): Promise<ModelSet> {
    this.revision = await this.store.revision();
    return this.materialise(await this.desired());
  }

  /** Starts polling. */
  start(intervalMs = 500): void {
    // A tick that finds a check still running skips: a slow store must not queue checks up.
    this.timer = setInterval(() => {
      if (!this.running) void this.poll();
    }, intervalMs);
    this.timer.unref();
  }

  /**
   * Checks the registry once (also what the timer does); resolves when any swap is done. A call
   * made while another check runs waits for it and then checks again: that check may have read
   * the revision before the change the caller is waiting for.
   */
  async poll(): Promise<void> {
    // A failed check is its own caller's error, not this one's.
    while (this.running) await this.running.catch(() => {});
    this.running = this.check().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async check(): Promise<void> {
    let revision: number;
    let desired: Desired | null = null;
    try {
      revision = await this.store.revision();
      if (revision !== this.revision && (revision !== this.failedRevision || this.now() >= this.retryAt)) {
        desired = await this.desired();
      }
    } catch (error) {
      if (!this.storeFailing) this.onStoreError(error as Error);
      this.storeFailing = true;
      return;
    }
    this.storeFailing = false;
    if (!desired) return;
    try {
      const set = await this.materialise(desired);
      this.revision = revision;
      this.failedRevision = -1;
      this.onSwap(set);
    } catch (error) {
      // Only a version that fails to load waits: a state-store hiccup is retried at the next poll.
      this.failedRevision = revision;
      this.retryAt = this.now() + this.retryFailedMs;
      this.onError(error as Error);
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.loaded.values()].map((m) => m.close()));
    this.loaded.clear();
  }

  private async desired(): Promise<Desired> {
    const [versions, experiment] = await Promise.all([this.store.listVersions(), this.store.getExperiment()]);
    const champion = versions.find((v) => v.stage === "champion");
    if (!champion) throw new PalateError("the registry has no champion: register a version with --champion");
    const canaryVersion = experiment?.canary ?? null;
    const canary = canaryVersion
      ? (versions.find((v) => v.version === canaryVersion && v.stage === "canary") ?? null)
      : null;
    return { champion, canary, experiment: canary ? experiment : null };
  }

  private async materialise(desired: Desired): Promise<ModelSet> {
    const champion = await this.modelFor(desired.champion);
    const canary = desired.canary ? await this.modelFor(desired.canary) : null;
    // Versions no longer served are released (their ANN build stopped, memory freed).
    for (const [version, model] of this.loaded) {
      if (version !== champion.version && version !== canary?.version) {
        this.loaded.delete(version);
        void model.close();
      }
    }
    return { champion, canary, experiment: desired.experiment };
  }

  private async modelFor(record: ModelVersionRecord): Promise<ServingModel> {
    const held = this.loaded.get(record.version);
    if (held) return held;
    const model = await this.load(record);
    this.loaded.set(record.version, model);
    return model;
  }
}
