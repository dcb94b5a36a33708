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
 * that fails to load is reported and the current set keeps serving; the next change retries.
 */
export class RegistryWatcher {
  private readonly store: StateStore;
  private readonly load: (record: ModelVersionRecord) => Promise<ServingModel>;
  private readonly loaded = new Map<string, ServingModel>();
  private revision = -1;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  /** Called with each new set; the caller swaps it into the service. */
  onSwap: (set: ModelSet) => void = () => {};
  /** Called when a version fails to load (the current set keeps serving). */
  onError: (error: Error) => void = () => {};

  constructor(store: StateStore, load: (record: ModelVersionRecord) => Promise<ServingModel>) {
    this.store = store;
    this.load = load;
  }

  /** Loads what the registry says to serve now; throws when it has no champion. */
  async initial(): Promise<ModelSet> {
    this.revision = await this.store.revision();
    return this.materialise(await this.desired());
  }

  /** Starts polling. */
  start(intervalMs = 500): void {
    this.timer = setInterval(() => void this.poll(), intervalMs);
    this.timer.unref();
  }

  /** Checks the registry once (also what the timer does); resolves when any swap is done. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const revision = await this.store.revision();
      if (revision === this.revision) return;
      const set = await this.materialise(await this.desired());
      this.revision = revision;
      this.onSwap(set);
    } catch (error) {
      this.onError(error as Error);
    } finally {
      this.polling = false;
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
