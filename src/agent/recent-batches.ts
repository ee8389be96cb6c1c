import type { IngestBatch } from '../model/index.ts';

/**
 * Batches just written to the disk buffer, by buffer entry id, kept in memory until every shipper
 * has read them. A shipper that keeps up sends these records as they are instead of decompressing
 * and parsing the entry it reads back (which costs about as much as encoding it did). A shipper
 * that is behind, or an agent that restarted, decodes from disk as before: the cache only saves work.
 *
 * Bounded by records: past `maxRecords`, the oldest batches are let go (their shippers decode them).
 * While every shipper keeps up, the pipeline holds back the sources that can wait before that
 * happens (see Pipeline.room).
 */
export class RecentBatches {
  private readonly batches = new Map<number, { batch: IngestBatch; readers: number; size: number }>();
  private records = 0;

  constructor(
    /** Records held at most. */
    readonly maxRecords: number,
    /** Shippers that read each entry. */
    private readonly readers: number,
  ) {}

  get size(): number {
    return this.records;
  }

  add(id: number, batch: IngestBatch): void {
    const size = batch.logs.length + batch.metrics.length + batch.events.length;
    if (size > this.maxRecords || this.readers === 0) return;
    this.batches.set(id, { batch, readers: this.readers, size });
    this.records += size;
    for (const [oldest, held] of this.batches) {
      if (this.records <= this.maxRecords) break;
      this.drop(oldest, held.size);
    }
  }

  /** The batch of entry `id` for one of its readers; after the last one has it, it is let go. */
  take(id: number): IngestBatch | undefined {
    const held = this.batches.get(id);
    if (!held) return undefined;
    if (--held.readers === 0) this.drop(id, held.size);
    return held.batch;
  }

  private drop(id: number, size: number): void {
    this.batches.delete(id);
    this.records -= size;
  }
}
