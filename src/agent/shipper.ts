import type { Logger } from '../core/logger.ts';
import type { ComponentCounters } from '../core/telemetry.ts';
import type { BufferConsumer } from './buffer/index.ts';
import { fromEntry } from './encoded-batch.ts';
import type { RecentBatches } from './recent-batches.ts';
import { backoffMs } from './retry.ts';
import type { Sink } from './sinks/sink.ts';
import type { SinkStatus } from './status/sink-status.ts';

export interface ShipperOptions {
  /** This sink's own position in the disk buffer. */
  buffer: Pick<BufferConsumer, 'read' | 'ack'>;
  sink: Sink;
  /** Batches still in memory by entry id, so what was just written need not be decoded again. */
  recent?: Pick<RecentBatches, 'take'>;
  counters: ComponentCounters;
  log: Logger;
  retryInitialBackoffMs: number;
  retryMaxBackoffMs: number;
  /** Drain rate and last error, for /metrics, /status and the catch-up log. */
  status?: SinkStatus;
  /** Called after each entry read and when the shipper falls out of step (see `inStep`). */
  onProgress?: () => void;
}

/** Most bytes read from the buffer at once; one entry is one batch. */
const READ_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Drains the disk buffer into the sink, one batch at a time and in order. The only retrier on the
 * agent side: retryable outcomes back off exponentially with jitter (or as the receiver's
 * Retry-After says) and never give up; a batch leaves the buffer only after the sink's ok, or when
 * the receiver rejected it for good (counted and logged with the receiver's reason).
 */
export class Shipper {
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private sleeping: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  /** Newest entry delivered, and the one the ledger durably has; one ack write in flight at a time. */
  private ackWanted = 0;
  private ackDone = 0;
  private acking: Promise<void> | undefined;
  private readFromMemory = true;
  private delivering = true;

  constructor(private readonly options: ShipperOptions) {}

  /**
   * Keeping up: the last entry was still in memory (RecentBatches) and the sink took the last
   * send (or nothing was read or sent yet). False while the sink fails or while the shipper reads
   * a backlog back from disk; the pipeline paces the sources only to shippers in step.
   */
  get inStep(): boolean {
    return this.readFromMemory && this.delivering;
  }

  start(): void {
    this.loop ??= this.run();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.sleeping = { timer, resolve };
    });
  }

  private async run(): Promise<void> {
    const { buffer, sink, counters, log } = this.options;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      const [entry] = await buffer.read(1, READ_MAX_BYTES, { signal });
      if (!entry) return;
      const decoded = this.options.recent?.take(entry.id);
      this.readFromMemory = decoded !== undefined;
      this.options.onProgress?.();
      const batch = decoded ? { ...fromEntry(entry.data), decoded } : fromEntry(entry.data);
      for (let attempt = 0; ; attempt++) {
        const result = await sink.send(batch);
        if (result.outcome === 'retryable') {
          if (this.delivering) {
            this.delivering = false;
            this.options.onProgress?.();
          }
          counters.error('send', 'retryable');
          this.options.status?.failed(result.reason);
          if (signal.aborted) return;
          const wait =
            result.retry_after_ms ??
            backoffMs(attempt, this.options.retryInitialBackoffMs, this.options.retryMaxBackoffMs);
          log.warn(
            { sink: sink.id, reason: result.reason, retry_in_ms: wait },
            'delivery failed; will retry',
          );
          await this.sleep(wait);
          if (signal.aborted) return;
          continue;
        }
        // A rejected batch is the receiver's verdict on that batch, not a sign that it is down.
        this.delivering = true;
        if (result.outcome === 'ok') counters.sent(batch.events, batch.gzip.length);
        else {
          counters.error('send', 'rejected');
          counters.discarded('rejected', batch.events);
          this.options.status?.failed(`rejected: ${result.reason}`);
          log.error(
            { sink: sink.id, batch_id: batch.id, reason: result.reason },
            'the server rejected a batch; it was dropped',
          );
        }
        this.ackInBackground(entry.id);
        this.options.status?.drained(entry.data.length, 1);
        break;
      }
    }
  }

  /**
   * Acknowledges up to `id` without holding up the next send: the ledger's fsync overlaps the next
   * request. Acks are cumulative, so one write carries every id delivered meanwhile. An ack that
   * does not reach the disk only means the entry is sent again after a restart (the receiver
   * drops the repeat by batch id).
   */
  private ackInBackground(id: number): void {
    if (id <= this.ackWanted) return;
    this.ackWanted = id;
    this.acking ??= (async () => {
      while (this.ackDone < this.ackWanted) {
        const target = this.ackWanted;
        try {
          await this.options.buffer.ack(target);
        } catch (error) {
          this.options.log.error(
            { err: error, sink: this.options.sink.id, id: target },
            'cannot record a delivery in the disk buffer; those batches will be sent again after a restart',
          );
        }
        this.ackDone = target;
      }
      this.acking = undefined;
    })();
  }

  /** Stops after the send in flight (which may still be acknowledged). Safe to call twice. */
  async stop(): Promise<void> {
    this.abort.abort();
    if (this.sleeping) {
      clearTimeout(this.sleeping.timer);
      this.sleeping.resolve();
    }
    await this.loop;
    await this.acking;
  }
}
