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
export class Pipeline {
  private metrics: MetricSample[] = [];
  private logs: LogRecord[] = [];
  private events: ClusterEvent[] = [];
  private pendingCount = 0;
  private readonly ready: IngestBatch[] = [];
  private readyCount = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private readonly counters: ComponentCounters;
  private readonly sinkCounters: ComponentCounters;

  constructor(private readonly options: PipelineOptions) {
    this.counters = componentCounters(options.telemetry, 'pipeline', 'queue');
    this.sinkCounters = componentCounters(options.telemetry, 'sink', options.sink.id);
    options.telemetry.gauge('agent_queue_events', 'Events waiting in the agent to be shipped.', () => [
      { labels: {}, value: this.backlog },
    ]);
  }

  get backlog(): number {
    return this.pendingCount + this.readyCount;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Takes what fits in the queue; returns false if anything was dropped. */
  accept(records: Emitted): boolean {
    let room = this.options.maxQueueEvents - this.backlog;
    let dropped = 0;
    const take = <T>(items: T[] | undefined, into: T[]) => {
      if (!items?.length) return;
      const n = Math.max(0, Math.min(room, items.length));
      for (let i = 0; i < n; i++) into.push(items[i]!);
      room -= n;
      this.pendingCount += n;
      dropped += items.length - n;
      this.counters.received(n);
    };
    take(records.metrics, this.metrics);
    take(records.logs, this.logs);
    take(records.events, this.events);
    if (dropped > 0) this.counters.discarded('queue_full', dropped);
    if (this.pendingCount >= this.options.batchMaxEvents) this.cut();
    else if (this.pendingCount > 0 && !this.flushTimer) {
      this.flushTimer = setTimeout(() => this.cut(), this.options.batchMaxWaitMs);
    }
    return dropped === 0;
  }

  private cut(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    while (this.pendingCount > 0) {
      const max = this.options.batchMaxEvents;
      const metrics = this.metrics.splice(0, max);
      const logs = this.logs.splice(0, max - metrics.length);
      const events = this.events.splice(0, max - metrics.length - logs.length);
      const size = metrics.length + logs.length + events.length;
      const seq = this.options.sequence.take();
      const agentId = this.options.sequence.agentId;
      this.ready.push({
        batch_id: batchId(agentId, seq),
        agent_id: agentId,
        seq,
        host: this.options.hostName,
        agent_version: this.options.version,
        sent_ts: Date.now(),
        metrics,
        logs,
        events,
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
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    let attempt = 0;
    for (;;) {
      const batch = this.ready[0];
      if (!batch) {
        if (this.stopping) return;
        await this.sleep(60_000);
        continue;
      }
      const size = batch.metrics.length + batch.logs.length + batch.events.length;
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
    this.cut();
    const timeout = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), deadlineMs).unref(),
    );
    this.start();
    const outcome = await Promise.race([this.loop, timeout]);
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
