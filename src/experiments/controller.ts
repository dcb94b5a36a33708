import type { Clock } from "../core/clock.js";
import type { EventSink } from "../storage/events/event-log.js";
import type { InteractionStore } from "../storage/interactions/interaction-store.js";
import type { StateStore } from "../storage/state/state-store.js";
import type { CatalogFacts } from "./catalog-facts.js";
import { type DecisionRules, decide } from "./decision.js";
import { OnlineMetrics, type OnlineMetricsState } from "./online-metrics.js";
import type { ModelRegistry } from "./registry.js";
import { EVENT_LOG_SOURCE, ingestEventLog } from "./retrain-ingest.js";
import type { Retrainer, RetrainReport } from "./retrainer.js";

/** The name of the controller's lease and checkpoint in the state store. */
export const CONTROLLER_LEASE = "controller";

/** What the controller knows of items, for the guardrails (defined beside `catalogFacts`). */
export type { CatalogFacts } from "./catalog-facts.js";

/** The controller's checkpoint: where it is in the event log and the experiment's aggregates. */
interface ControllerState {
  experimentId: string | null;
  metrics: OnlineMetricsState | null;
}

/** Options of the controller loop. */
export interface ControllerOptions {
  store: StateStore;
  registry: ModelRegistry;
  sink: EventSink;
  clock: Clock;
  /** This process's identity for the lease. */
  owner: string;
  rules: DecisionRules;
  catalog: CatalogFacts;
  /** How long the lease lasts without renewal (a dead controller is replaced after this). */
  leaseMs?: number;
  /** Events read per page. */
  pageSize?: number;
  /**
   * The interaction store the event log is ingested into (every event but impressions). The
   * ingest keeps its own position inside that store, written with the rows (`ingestEventLog`).
   */
  interactions?: InteractionStore;
  /** Freshness-triggered retraining; it needs `interactions`. */
  retrainer?: Retrainer;
  /**
   * Trim the event log behind its readers after each tick (the controller's cursor and, with
   * `interactions`, the ingest's position), where the sink can (`EventSink.trimThrough`). Only
   * for a log nothing else reads: events this controller has consumed are gone for others.
   */
  trimEventLog?: boolean;
  /** Called after each tick with what it did (for logs and /metrics). */
  onTick?: (report: TickReport) => void;
}

/** What one tick did. */
export interface TickReport {
  leader: boolean;
  eventsRead: number;
  /** Interactions ingested into the interaction store this tick. */
  ingested?: number;
  /** Events trimmed from the event log this tick (with `trimEventLog`). */
  trimmed?: number;
  retrain?: RetrainReport;
  decision?: { action: "rollback" | "promote" | "continue"; reason: string; version: string };
}

/**
 * The control loop (blueprint: the control plane): one leader per deployment, elected by a lease
 * in the state store (a second controller idles). Each tick reads the event log from its
 * checkpoint, updates the experiment's online metrics, stores cursor and metrics together (so a
 * restart never double counts), and applies the pure decision — promote or roll back — through
 * the registry, whose revision-checked commits make a decision happen at most once. With an
 * interaction store it also ingests the event log, and with a retrainer, while no canary runs,
 * it retrains on stale data and starts the canary of a candidate that passes the offline gate.
 */
export class Controller {
  private readonly o: Required<Omit<ControllerOptions, "interactions" | "retrainer" | "onTick">> &
    Pick<ControllerOptions, "interactions" | "retrainer" | "onTick">;

  constructor(options: ControllerOptions) {
    this.o = { leaseMs: 10_000, pageSize: 5_000, trimEventLog: false, ...options };
  }

  /** One pass of the loop. */
  async tick(): Promise<TickReport> {
    const { store, owner } = this.o;
    if (!(await store.acquireLease(CONTROLLER_LEASE, owner, this.o.leaseMs))) {
      // A retrain belongs to the leader that started it: a follower must not register its result.
      await this.o.retrainer?.stop();
      return this.report({ leader: false, eventsRead: 0 });
    }
    const experiment = await store.getExperiment();
    const checkpoint = await store.getCheckpoint(CONTROLLER_LEASE);
    const saved = (checkpoint?.state ?? null) as ControllerState | null;
    const running = experiment?.canary ? experiment : null;
    // A new experiment starts its aggregates from zero; events before it are not its evidence.
    const metrics =
      running && saved?.experimentId === running.id && saved.metrics
        ? OnlineMetrics.fromState(saved.metrics, this.o.catalog)
        : running
          ? new OnlineMetrics(this.metricsScope(running), this.o.catalog)
          : null;
    let cursor = checkpoint?.cursor ?? "";
    let eventsRead = 0;
    for (;;) {
      const page = await this.o.sink.read(cursor, this.o.pageSize);
      if (page.events.length === 0) break;
      for (const event of page.events) metrics?.add(event);
      cursor = page.cursor;
      eventsRead += page.events.length;
      if (page.events.length < this.o.pageSize) break;
    }
    const state: ControllerState = { experimentId: running?.id ?? null, metrics: metrics?.toState() ?? null };
    if (!(await store.putCheckpoint(CONTROLLER_LEASE, owner, { cursor, state }))) {
      await this.o.retrainer?.stop();
      return this.report({ leader: false, eventsRead });
    }
    const ingested = this.o.interactions
      ? await ingestEventLog(this.o.sink, this.o.interactions, this.o.pageSize)
      : undefined;
    const trimmed = await this.trimBehindReaders(cursor);
    if (!running || !metrics || running.paused) {
      const retrain = (await this.o.retrainer?.step()) ?? undefined;
      return this.report({ leader: true, eventsRead, ingested, trimmed, retrain });
    }
    const canary = running.canary as string;
    const decision = decide(metrics.snapshot(), this.o.rules, this.o.clock(), running.startedAt);
    const actor = { actor: "controller", reason: decision.reason, stats: decision.stats };
    if (decision.action === "rollback") await this.o.registry.rollback(canary, actor);
    if (decision.action === "promote") await this.o.registry.promote(canary, actor);
    return this.report({
      leader: true,
      eventsRead,
      ingested,
      trimmed,
      decision: { ...decision, version: canary },
    });
  }

  /**
   * With `trimEventLog`, drops what both readers have committed: the checkpoint just written and
   * the ingest's position, stored with its rows. A crash between the two commits leaves the
   * older one in place, so nothing unread by either is ever dropped.
   */
  private async trimBehindReaders(cursor: string): Promise<number | undefined> {
    const sink = this.o.sink;
    if (!this.o.trimEventLog || !sink.trimThrough) return undefined;
    const readers = [cursor];
    if (this.o.interactions) readers.push((await this.o.interactions.positionOf(EVENT_LOG_SOURCE)) ?? "");
    return sink.trimThrough(readers);
  }

  /** Runs ticks every `intervalMs` until the signal aborts; a failing tick is reported, not fatal. */
  async run(
    signal: AbortSignal,
    intervalMs: number,
    onError: (error: Error) => void = () => {},
  ): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.tick();
      } catch (error) {
        onError(error as Error);
      }
      await new Promise<void>((resolve) => {
        // One listener per pause, removed when the pause ends: ticks must not pile them up.
        const stop = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          signal.removeEventListener("abort", stop);
          resolve();
        }, intervalMs);
        signal.addEventListener("abort", stop, { once: true });
      });
    }
    await this.o.retrainer?.stop();
    await this.o.store.releaseLease(CONTROLLER_LEASE, this.o.owner).catch(() => {});
  }

  private metricsScope(experiment: { champion: string; canary: string | null }) {
    return { champion: experiment.champion, canary: experiment.canary as string };
  }

  private report(report: TickReport): TickReport {
    this.o.onTick?.(report);
    return report;
  }
}
