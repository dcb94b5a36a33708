import type { FeatureStore } from "../storage/features/feature-store.js";
import type { AppContext } from "./app-context.js";

const DELETED = "\u0000deleted";

/**
 * Applies item upserts and deletes made through any replica (they live in the feature store) to
 * the models this replica serves, polling every few seconds. A poll reads the store's change tag
 * first and fetches the changes only when the tag moved since the last applied fetch, so an idle
 * catalogue costs one small read per poll instead of every change ever made. What was applied
 * is remembered as JSON by id, so a fetch re-applies nothing it has seen; `reset` forgets both
 * after a model swap.
 */
export class ItemSync {
  private readonly context: AppContext;
  private readonly store: FeatureStore;
  private readonly applied = new Map<string, string>();
  /** The change tag read before the last applied fetch; undefined until one ran. */
  private appliedTag: string | null | undefined = undefined;
  private timer: NodeJS.Timeout | null = null;

  constructor(context: AppContext, store: FeatureStore) {
    this.context = context;
    this.store = store;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.sync(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  reset(): void {
    this.applied.clear();
    this.appliedTag = undefined;
  }

  /** One poll; a store failure is counted, never thrown. */
  async sync(): Promise<void> {
    const service = this.context.service;
    if (!service) return;
    try {
      // Read before the changes: a change landing in between moves the tag past this one, so the
      // next poll fetches again and nothing is missed.
      const tag = await this.store.itemChangesTag();
      if (tag === this.appliedTag) return;
      const changes = await this.store.itemChanges();
      for (const item of changes.upserts) {
        const json = JSON.stringify(item);
        if (this.applied.get(item.itemId) === json) continue;
        service.upsertItem(item);
        this.applied.set(item.itemId, json);
      }
      for (const id of changes.deletes) {
        if (this.applied.get(id) === DELETED) continue;
        service.deleteItem(id);
        this.applied.set(id, DELETED);
      }
      this.appliedTag = tag;
    } catch {
      this.context.metrics.featureStoreErrors.labels("item_changes", "error").inc();
    }
  }
}
