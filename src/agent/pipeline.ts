import type { Logger } from '../core/logger.ts';
import { componentCounters, type ComponentCounters, type Telemetry } from '../core/telemetry.ts';
import {
  batchId,
  type ClusterEvent,
  type IngestBatch,
  type LogRecord,
  type MetricSample,
} from '../model/index.ts';
import { backoffMs } from './retry.ts';
import type { BatchSequence } from './sequence.ts';
import type { Sink } from './sinks/sink.ts';
import type { Emitted } from './sources/source.ts';

export interface PipelineOptions {
  /** Names this pipeline in counters: `default`, or the token's listener. */
  id?: string;
  sink: Sink;
  sequence: BatchSequence;
  hostName: string;
  version: string;
  telemetry: Telemetry;
  log: Logger;
  maxQueueEvents: number;
  batchMaxEvents: number;
  batchMaxWaitMs: number;
  retryInitialBackoffMs: number;
  retryMaxBackoffMs: number;
}

/**
 * Sources → bounded in-memory queue → batches → sink, one batch in flight so the server sees
 * batches in order. The queue holds at most `maxQueueEvents`; past that, new events are dropped and
 * counted (`component_discarded_events_total{reason="queue_full"}`). A batch gets its id when it is
 * cut, so every retry of it carries the same id and the server stores it once. Retries back off
 * exponentially with jitter and never give up on a retryable error; a batch the server rejects
 * (4xx) is dropped, counted and logged with the server's reason.
 */
interface Chunk {
  metrics: MetricSample[];
  logs: LogRecord[];
  events: ClusterEvent[];
  onDurable: (() => void) | undefined;
}

interface ReadyBatch {
  batch: IngestBatch;
  size: number;
  /** onDurable callbacks of the chunks that end in this batch. */
  done: Array<() => void>;
}

export class Pipeline {
  /** Accepted records in arrival order, one chunk per accept(). */
  private readonly pending: Chunk[] = [];
  private pendingCount = 0;
  private readonly ready: ReadyBatch[] = [];
  private readyCount = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private readonly counters: ComponentCounters;
  private readonly sinkCounters: ComponentCounters;
  private roomWaiters: Array<() => void> = [];

  constructor(private readonly options: PipelineOptions) {
    this.counters = componentCounters(options.telemetry, 'pipeline', options.id ?? 'default');
    this.sinkCounters = componentCounters(options.telemetry, 'sink', options.sink.id);
  }

  /** See `Flow`: undefined when `n` more records fit now, else a promise that settles on the next ack. */
  room(n: number): Promise<void> | undefined {
    // A chunk bigger than the whole queue goes in once the queue is empty (its excess is counted).
    if (this.backlog + n <= this.options.maxQueueEvents || this.backlog === 0) return undefined;
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  get capacity(): number {
    return this.options.maxQueueEvents;
  }

  get backlog(): number {
    return this.pendingCount + this.readyCount;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /**
   * Takes what fits in the queue; returns false if anything was dropped. `onDurable` runs once the
   * server acknowledged every record of this call; it never runs if some were dropped, so the
   * source keeps its old position and reads them again.
   */
  accept(records: Emitted, onDurable?: () => void): boolean {
    let room = this.options.maxQueueEvents - this.backlog;
    let dropped = 0;
    const take = <T>(items: T[] | undefined): T[] => {
      if (!items?.length) return [];
      const n = Math.max(0, Math.min(room, items.length));
      room -= n;
      dropped += items.length - n;
      return n === items.length ? items.slice() : items.slice(0, n);
    };
    const chunk: Chunk = {
      metrics: take(records.metrics),
      logs: take(records.logs),
      events: take(records.events),
      onDurable: undefined,
    };
    const size = chunk.metrics.length + chunk.logs.length + chunk.events.length;
    if (dropped > 0) this.counters.discarded('queue_full', dropped);
    else chunk.onDurable = onDurable;
    if (size > 0 || chunk.onDurable) {
      this.pending.push(chunk);
      this.pendingCount += size;
      this.counters.received(size);
    }
    if (this.pendingCount >= this.options.batchMaxEvents) this.cut(false);
    if (this.pending.length > 0 && !this.flushTimer) {
      this.flushTimer = setTimeout(() => this.cut(true), this.options.batchMaxWaitMs).unref();
    }
    return dropped === 0;
  }

  /**
   * Turns pending chunks into batches of at most batchMaxEvents, in arrival order: only full
   * batches, or with `all` the remainder too (when the wait is over or on stop).
   */
  private cut(all: boolean): void {
    if (all) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    while (this.pending.length > 0 && (all || this.pendingCount >= this.options.batchMaxEvents)) {
      const metrics: MetricSample[] = [];
      const logs: LogRecord[] = [];
      const events: ClusterEvent[] = [];
      const done: Array<() => void> = [];
      let room = this.options.batchMaxEvents;
      const move = <T>(from: T[], into: T[]) => {
        const part = from.splice(0, room);
        into.push(...part);
        room -= part.length;
      };
      while (this.pending.length > 0 && room > 0) {
        const chunk = this.pending[0]!;
        move(chunk.metrics, metrics);
        move(chunk.logs, logs);
        move(chunk.events, events);
        if (chunk.metrics.length + chunk.logs.length + chunk.events.length > 0) break;
        this.pending.shift();
        if (chunk.onDurable) done.push(chunk.onDurable);
      }
      const size = metrics.length + logs.length + events.length;
      const seq = this.options.sequence.take();
      const agentId = this.options.sequence.agentId;
      this.ready.push({
        batch: {
          batch_id: batchId(agentId, seq),
          agent_id: agentId,
          seq,
          host: this.options.hostName,
          agent_version: this.options.version,
          sent_ts: Date.now(),
          metrics,
          logs,
          events,
        },
        size,
        done,
      });
      this.pendingCount -= size;
      this.readyCount += size;
    }
    this.wake?.();
  }

  /** Waits `ms`, or less when a new batch is cut or the pipeline stops. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      // Unref'd: an idle pipeline alone does not keep the process alive.
      const timer = setTimeout(done, ms).unref();
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    let attempt = 0;
    for (;;) {
      const head = this.ready[0];
      if (!head) {
        if (this.stopping) return;
        await this.sleep(60_000);
        continue;
      }
      const { batch, size, done } = head;
      const result = await this.options.sink.send(batch);
      if (result.outcome === 'retryable') {
        this.sinkCounters.error('send', 'retryable');
        if (this.stopping) return;
        const wait =
          result.retry_after_ms ??
          backoffMs(attempt++, this.options.retryInitialBackoffMs, this.options.retryMaxBackoffMs);
        this.options.log.warn(
          { sink: this.options.sink.id, reason: result.reason, retry_in_ms: wait },
          'delivery failed; will retry',
        );
        await this.sleep(wait);
        continue;
      }
      attempt = 0;
      this.ready.shift();
      this.readyCount -= size;
      // A rejected batch will never be accepted, so its sources move on past it too (counted below).
      for (const callback of done) callback();
      const waiters = this.roomWaiters;
      this.roomWaiters = [];
      for (const resolve of waiters) resolve();
      if (result.outcome === 'ok') this.sinkCounters.sent(size);
      else {
        this.sinkCounters.error('send', 'rejected');
        this.sinkCounters.discarded('rejected', size);
        this.options.log.error(
          { sink: this.options.sink.id, batch_id: batch.batch_id, reason: result.reason },
          'the server rejected a batch; it was dropped',
        );
      }
    }
  }

  /**
   * Ships what is queued until done or `deadlineMs` passes; then counts what is left as dropped.
   * Safe to call more than once.
   */
  async stop(deadlineMs: number): Promise<void> {
    if (this.stopping) return this.loop;
    this.stopping = true;
    this.cut(true);
    const timeout = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), deadlineMs).unref(),
    );
    this.start();
    const outcome = await Promise.race([this.loop, timeout]);
    // Sources waiting for room will not get any: let them go (what they emit now is counted).
    for (const resolve of this.roomWaiters.splice(0)) resolve();
    const left = this.backlog;
    if (outcome === 'timeout' || left > 0) {
      this.counters.discarded('shutdown', left);
      this.options.log.warn(
        { events: left },
        'stopped before the server acknowledged everything; these events are lost',
      );
    }
  }
}
