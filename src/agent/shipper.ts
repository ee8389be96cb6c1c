import type { Logger } from '../core/logger.ts';
import type { ComponentCounters } from '../core/telemetry.ts';
import type { BufferConsumer } from './buffer/index.ts';
import { fromEntry, type EncodedBatch } from './encoded-batch.ts';
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

/** An entry handed to the sink: delivered (ok, or rejected for good) or not (stopped first). */
interface Sending {
  id: number;
  delivered: boolean | undefined;
  done: Promise<void>;
}

/**
 * Drains the disk buffer into the sink, in order, with up to the sink's `maxInFlight` batches
 * sent at once (one by default). The only retrier on the agent side: retryable outcomes back off
 * exponentially with jitter (or as the receiver's Retry-After says) and never give up; a batch
 * leaves the buffer only after the sink's ok, or when the receiver rejected it for good (counted
 * and logged with the receiver's reason). Acknowledgements are cumulative, so an entry is
 * acknowledged only once it and every entry before it are delivered: a batch that is still being
 * retried holds back the acknowledgement of those sent after it, which after a restart are sent
 * again (the receiver drops the repeat by batch id or document id).
 */
export class Shipper {
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly sleeping = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
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
      const sleeper = {
        timer: setTimeout(() => {
          this.sleeping.delete(sleeper);
          resolve();
        }, ms),
        resolve,
      };
      this.sleeping.add(sleeper);
    });
  }

  private async run(): Promise<void> {
    const { buffer, sink } = this.options;
    const signal = this.abort.signal;
    const limit = Math.max(1, sink.maxInFlight ?? 1);
    // In buffer order; the delivered ones at its head are acknowledged and leave it.
    const window: Sending[] = [];
    const settle = () => {
      let delivered: number | undefined;
      while (window[0]?.delivered === true) delivered = window.shift()!.id;
      if (delivered !== undefined) this.ackInBackground(delivered);
    };
    while (!signal.aborted) {
      if (window.length >= limit) {
        // Full: wait for one still being sent (the head may be retrying while later ones are done).
        const pending = window.filter((s) => s.delivered === undefined).map((s) => s.done);
        if (pending.length === 0) break;
        await Promise.race(pending);
        continue;
      }
      const [entry] = await buffer.read(1, READ_MAX_BYTES, { signal });
      if (!entry) break;
      const decoded = this.options.recent?.take(entry.id);
      this.readFromMemory = decoded !== undefined;
      this.options.onProgress?.();
      const batch = decoded ? { ...fromEntry(entry.data), decoded } : fromEntry(entry.data);
      const sending: Sending = { id: entry.id, delivered: undefined, done: Promise.resolve() };
      sending.done = this.deliver(batch, entry.data.length).then((delivered) => {
        sending.delivered = delivered;
        settle();
      });
      window.push(sending);
    }
    await Promise.all(window.map((sending) => sending.done));
  }

  /** Sends one batch until the sink takes or rejects it (true), or the shipper stops (false). */
  private async deliver(batch: EncodedBatch, entryBytes: number): Promise<boolean> {
    const { sink, counters, log } = this.options;
    const signal = this.abort.signal;
    for (let attempt = 0; ; attempt++) {
      const result = await sink.send(batch);
      if (result.outcome === 'retryable') {
        if (this.delivering) {
          this.delivering = false;
          this.options.onProgress?.();
        }
        counters.error('send', 'retryable');
        this.options.status?.failed(result.reason);
        if (signal.aborted) return false;
        const wait =
          result.retry_after_ms ??
          backoffMs(attempt, this.options.retryInitialBackoffMs, this.options.retryMaxBackoffMs);
        log.warn({ sink: sink.id, reason: result.reason, retry_in_ms: wait }, 'delivery failed; will retry');
        await this.sleep(wait);
        if (signal.aborted) return false;
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
      this.options.status?.drained(entryBytes, 1);
      return true;
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

  /** Stops after the sends in flight (which may still be acknowledged). Safe to call twice. */
  async stop(): Promise<void> {
    this.abort.abort();
    for (const sleeper of this.sleeping) {
      clearTimeout(sleeper.timer);
      sleeper.resolve();
    }
    this.sleeping.clear();
    await this.loop;
    await this.acking;
  }
}
