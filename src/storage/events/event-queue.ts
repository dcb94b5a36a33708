import type { EventSink, LoggedEvent } from "./event-log.js";
import {
  type EventQueueOptions,
  type EventQueueStats,
  type ResolvedEventQueueOptions,
  resolveEventQueueOptions,
} from "./event-queue-options.js";
import { messageOf, validateLoggedEvents } from "./logged-event-codec.js";
import { LoopSignal } from "./loop-signal.js";
import { SpillFile } from "./spill-file.js";

/** A batch taken from the head of memory and being appended to the sink. */
interface InFlight {
  events: LoggedEvent[];
  /** Set when memory (this batch included) was spilled meanwhile: the batch is no longer in memory. */
  spilled: boolean;
}

/**
 * The serving layer's asynchronous event log: `offer` puts events in a bounded memory queue and
 * returns at once; a background loop appends them to the sink in batches. While the sink is down
 * or behind, events go to an append-only spill file (fsync'd), which is replayed in order, before
 * anything newer, once the sink answers; a new queue on the same file replays what an earlier
 * process left. Order is kept by one invariant: the spill file only holds events older than any
 * in memory. Sinks deduplicate by event id, so replaying a batch that half succeeded is safe and
 * every accepted event is stored exactly once.
 *
 * Call `start()` before use and `close()` on shutdown (SIGTERM): it drains into the sink and
 * leaves in the spill file whatever the sink could not take in time. The sink stays the caller's.
 */
export class EventQueue {
  /** Where events end up (tests and the ingest read it back); the queue never closes it. */
  readonly sink: EventSink;
  private readonly spill: SpillFile;
  private readonly o: ResolvedEventQueueOptions;
  private memory: LoggedEvent[] = [];
  /** When memory last went from empty to not empty: the flush timer runs from there. */
  private memorySince = 0;
  private inFlight: InFlight | null = null;
  /** Ids delivered from memory after a copy had been spilled; the replay skips them. */
  private readonly deliveredAndSpilled = new Set<string>();
  private readonly counters = { accepted: 0, flushed: 0, spilled: 0, replayed: 0, refused: 0, dropped: 0 };
  private sinkUp = true;
  private retryDelay = 0;
  private retryAt = 0;
  private spillWritable = true;
  private spillRetryAt = 0;
  private lastError: string | null = null;
  private draining = 0;
  private state: "new" | "running" | "closing" | "closed" = "new";
  private stopped = false;
  private loopDone: Promise<void> = Promise.resolve();
  private closing: Promise<void> | null = null;
  private readonly signal = new LoopSignal();

  constructor(sink: EventSink, options: EventQueueOptions) {
    this.o = resolveEventQueueOptions(options);
    this.sink = sink;
    this.spill = new SpillFile(this.o.spillPath);
  }

  /**
   * Takes over the spill file (replaying what an earlier process left) and starts the loop. While
   * events are pending the loop's timers keep the process alive; an idle queue does not.
   */
  async start(): Promise<void> {
    if (this.state !== "new") return;
    try {
      this.spill.recover();
    } catch (error) {
      // Not fatal: events still flow to the sink; offers are refused only if memory fills too.
      this.spillFailed(error);
    }
    this.state = "running";
    this.loopDone = this.loop();
  }

  /**
   * Accepts events without waiting for any I/O, unless memory is full: then they are spilled to
   * disk right here. "refused" only when memory is full and the spill file cannot be written (or
   * failed less than `spillRetryMs` ago), or once `close` has begun. The queue keeps the objects.
   */
  offer(events: LoggedEvent[]): "queued" | "refused" {
    if (this.state === "closing" || this.state === "closed") return this.refuse(events.length);
    validateLoggedEvents(events, "EventQueue.offer");
    const n = events.length;
    if (n === 0) return "queued";
    if (this.memory.length + n > this.o.capacity) {
      if (!this.spillMemory(events)) return this.refuse(n);
    } else {
      if (this.memory.length === 0) this.memorySince = this.o.now();
      for (const e of events) this.memory.push(e);
      if (this.memory.length === n || this.memory.length >= this.o.batchSize) this.signal.wake();
    }
    this.counters.accepted += n;
    return "queued";
  }

  /**
   * Delivers everything accepted so far; true once the sink has it all. On timeout what is still
   * in memory is spilled (so a restart replays it) and the answer is false.
   */
  async drain(timeoutMs = this.o.drainTimeoutMs): Promise<boolean> {
    if (this.state === "new") await this.start();
    if (this.state === "closed") return this.depth === 0;
    this.draining++;
    this.signal.wake();
    try {
      const done = await this.signal.waitUntil(() => this.depth === 0, timeoutMs);
      if (!done) this.spillMemory([], true);
      return done;
    } finally {
      this.draining--;
    }
  }

  /**
   * Drains (see `drain`), stops the loop and closes the spill file. Offers are refused from the
   * moment it is called. Events that could neither reach the sink nor the disk count as dropped.
   */
  close(timeoutMs = this.o.drainTimeoutMs): Promise<void> {
    this.closing ??= this.shutDown(timeoutMs);
    return this.closing;
  }

  private async shutDown(timeoutMs: number): Promise<void> {
    if (this.state === "new") await this.start();
    this.state = "closing";
    await this.drain(timeoutMs);
    this.stopped = true;
    this.signal.wake();
    // An append still hanging past the timeout is not waited for: its events are on disk by now.
    await Promise.race([this.loopDone, delay(Math.min(timeoutMs, 1000))]);
    if (this.memory.length > 0 && !this.spillMemory([], true)) {
      this.counters.dropped += this.memory.length;
      this.memory = [];
    }
    this.spill.close();
    this.state = "closed";
  }

  /** Events accepted and not yet in the sink. */
  get depth(): number {
    return this.memory.length + this.spill.unreadLines;
  }

  /** The numbers behind the queue's Prometheus metrics. */
  stats(): EventQueueStats {
    const oldest = this.spill.headReceivedAt ?? this.memory[0]?.receivedAt;
    return {
      depth: this.depth,
      memoryDepth: this.memory.length,
      spillDepth: this.spill.unreadLines,
      lagSeconds: oldest === undefined ? 0 : Math.max(0, this.o.now() - oldest) / 1000,
      ...this.counters,
      sinkAvailable: this.sinkUp,
      spillWritable: this.spillWritable,
      lastError: this.lastError,
    };
  }

  /** Seconds a refused client should wait (a Retry-After header): until the next sink retry, at least 1. */
  retryAfterSeconds(): number {
    const wait = this.sinkUp ? 0 : this.retryAt - this.o.now();
    return Math.max(1, Math.ceil(wait / 1000));
  }

  private refuse(n: number): "refused" {
    this.counters.refused += n;
    return "refused";
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const wait = this.nextDelay();
      // Even with work waiting, let I/O in between steps: a SQLite append never yields by itself.
      if (wait === 0) await new Promise((resolve) => setImmediate(resolve));
      // Pending events keep the process alive until delivered or closed; an idle queue does not.
      else await this.signal.sleep(wait, this.depth === 0);
      if (this.stopped) break;
      try {
        await this.step();
      } catch (error) {
        this.sinkFailed(error);
      }
      this.signal.stepped();
    }
  }

  /** How long the loop may sleep before its next step; null = until woken. */
  private nextDelay(): number | null {
    const now = this.o.now();
    const flush = this.o.flushIntervalMs;
    if (!this.sinkUp && now < this.retryAt) return Math.min(this.retryAt - now, flush);
    if (this.spill.unreadLines > 0) return 0;
    if (this.memory.length === 0) return null;
    if (this.memory.length >= this.o.batchSize || this.draining > 0) return 0;
    return Math.max(0, this.memorySince + flush - now);
  }

  private async step(): Promise<void> {
    if (!this.sinkUp && this.o.now() < this.retryAt) {
      // Resting between retries: keep memory small and durable on disk meanwhile.
      this.spillMemory();
    } else if (this.spill.unreadLines > 0) {
      await this.replayPage();
    } else if (this.memory.length > 0) {
      await this.flushMemory();
    }
  }

  private async replayPage(): Promise<void> {
    const page = await this.spill.read(this.o.batchSize);
    if (page.lines === 0) throw new Error(`spill file '${this.spill.path}' returned no lines to replay`);
    const events = page.events.filter((e) => !this.deliveredAndSpilled.has(e.eventId));
    if (events.length > 0) {
      try {
        await this.sink.append(events);
      } catch (error) {
        this.sinkFailed(error);
        this.spillMemory();
        return;
      }
    }
    for (const e of page.events) this.deliveredAndSpilled.delete(e.eventId);
    this.spill.commit(page);
    this.counters.dropped += page.corrupt;
    this.counters.replayed += events.length;
    this.counters.flushed += events.length;
    this.sinkSucceeded();
  }

  private async flushMemory(): Promise<void> {
    const batch = this.memory.slice(0, this.o.batchSize);
    const flight: InFlight = { events: batch, spilled: false };
    this.inFlight = flight;
    try {
      await this.sink.append(batch);
    } catch (error) {
      this.inFlight = null;
      this.sinkFailed(error);
      if (!flight.spilled) this.spillMemory();
      return;
    }
    this.inFlight = null;
    this.counters.flushed += batch.length;
    if (flight.spilled) {
      for (const e of batch) this.deliveredAndSpilled.add(e.eventId);
    } else {
      this.memory.splice(0, batch.length);
      this.memorySince = this.o.now();
    }
    this.sinkSucceeded();
  }

  /**
   * Moves all of memory, then `extra`, to the end of the spill file in one write. False when the
   * disk refuses (memory is then untouched) or refused within `spillRetryMs`, unless `force`.
   */
  private spillMemory(extra: readonly LoggedEvent[] = [], force = false): boolean {
    if (this.memory.length + extra.length === 0) return true;
    const now = this.o.now();
    if (!this.spillWritable && !force && now < this.spillRetryAt) return false;
    const events = extra.length === 0 ? this.memory : this.memory.concat(extra);
    try {
      this.spill.append(events);
    } catch (error) {
      this.spillFailed(error);
      return false;
    }
    this.spillWritable = true;
    this.counters.spilled += events.length;
    // A batch in flight came from the head of memory, so its copy is now in the file too.
    if (this.inFlight) this.inFlight.spilled = true;
    this.memory = [];
    this.signal.wake();
    return true;
  }

  private spillFailed(error: unknown): void {
    this.spillWritable = false;
    this.spillRetryAt = this.o.now() + this.o.spillRetryMs;
    this.lastError = messageOf(error);
  }

  private sinkFailed(error: unknown): void {
    this.sinkUp = false;
    this.lastError = messageOf(error);
    this.retryDelay = Math.min(this.retryDelay * 2 || this.o.retryInitialMs, this.o.retryMaxMs);
    this.retryAt = this.o.now() + this.retryDelay;
  }

  private sinkSucceeded(): void {
    this.sinkUp = true;
    this.retryDelay = 0;
  }
}

/** A timer that does not hold the process open once the thing raced against it is done. */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
