import { HEADER_BYTES } from './record.ts';
import type { ReadEntry, Segment } from './segment.ts';

export interface ReadOptions {
  /** Stops waiting: read() then resolves with [] instead of waiting for data. */
  signal?: AbortSignal;
  /** false: return at once, [] if nothing is there. Default true. */
  wait?: boolean;
}

/**
 * The in-memory read cursor over the segments. It only ever moves over durable records
 * (`lastId()` is the last fsynced id). Reads pin their segment so a concurrent ack cannot delete
 * the file under them.
 */
export class Reader {
  /** The next id to hand out. */
  readId: number;
  private readonly waiters = new Set<() => void>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(
    private readonly segments: readonly Segment[],
    private readonly lastId: () => number,
    private readonly onCorrupt: (id: number, reason: string) => void,
    startId: number,
  ) {
    this.readId = startId;
  }

  /** Resolves once there is something to read, or `signal` aborts, or the buffer closes. */
  waitForData(signal?: AbortSignal): Promise<void> {
    if (this.stopped || signal?.aborted === true || this.lastId() >= this.readId) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Called after every group commit and at close. */
  wake(): void {
    for (const done of [...this.waiters]) done();
  }

  /**
   * Up to `maxEntries` entries from the cursor on, stopping before `maxBytes` of payload (but always
   * at least one entry, so an entry larger than maxBytes still gets through). One call reads from
   * one segment, in one positional read.
   */
  async read(maxEntries: number, maxBytes: number, options: ReadOptions = {}): Promise<ReadEntry[]> {
    let segment = this.segmentFrom(this.readId);
    while (!segment) {
      if (this.stopped || options.signal?.aborted === true || options.wait === false) return [];
      await this.waitForData(options.signal);
      segment = this.segmentFrom(this.readId);
    }
    // Skip an id gap left where a damaged segment was cut short.
    const from = Math.max(this.readId, segment.firstId);
    let n = 0;
    let bytes = 0;
    while (n < Math.max(1, maxEntries) && segment.has(from + n)) {
      const payload = segment.recordBytes(from + n) - HEADER_BYTES;
      if (n > 0 && bytes + payload > maxBytes) break;
      bytes += payload;
      n += 1;
    }
    this.readId = from + n;
    segment.pins += 1;
    const reading = segment.read(from, n, this.onCorrupt);
    this.inFlight.add(reading);
    let entries: ReadEntry[];
    try {
      entries = await reading;
    } catch (err) {
      // Nothing was handed out: let the next read try the same entries again.
      if (this.readId === from + n) this.readId = from;
      throw err;
    } finally {
      this.inFlight.delete(reading);
      segment.pins -= 1;
    }
    // [] means "stopped" to a consumer loop, so a stretch of only corrupt records reads on.
    return entries.length > 0 ? entries : this.read(maxEntries, maxBytes, options);
  }

  /** The first durable segment holding an id ≥ `id`. */
  private segmentFrom(id: number): Segment | undefined {
    if (id > this.lastId()) return undefined;
    return this.segments.find((segment) => segment.count > 0 && segment.lastId >= id);
  }

  /** Wakes every waiter for good and waits for reads in flight, so files can be closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await Promise.allSettled([...this.inFlight]);
  }
}
