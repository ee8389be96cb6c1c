import type { FileHandle } from 'node:fs/promises';
import { setImmediate } from 'node:timers/promises';
import { syncDir } from './ledger.ts';
import { encodeHeader, HEADER_BYTES } from './record.ts';
import { Segment } from './segment.ts';

interface Pending {
  data: Buffer;
  resolve: (id: number) => void;
  reject: (err: unknown) => void;
}

/** Bounded so one writev stays under the kernel's IOV_MAX (1024). */
const MAX_IOVECS = 512;

async function writeAll(fh: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  for (let i = 0; i < buffers.length; i += MAX_IOVECS) {
    const part = buffers.slice(i, i + MAX_IOVECS);
    const total = part.reduce((sum, b) => sum + b.length, 0);
    let { bytesWritten } = await fh.writev(part, position);
    if (bytesWritten < total) {
      const rest = Buffer.concat(part).subarray(bytesWritten);
      for (let done = 0; done < rest.length; done += bytesWritten) {
        ({ bytesWritten } = await fh.write(
          rest,
          done,
          rest.length - done,
          position + total - rest.length + done,
        ));
      }
    }
    position += total;
  }
}

/**
 * Group commit: appends that arrive while a write + fdatasync is in flight wait in `queue` and go
 * out together in the next one, so N concurrent appenders pay for one fsync, not N. An append
 * resolves only after the fdatasync that covers its bytes; only then does the segment index (and so
 * every reader) see it. Ids are given out here, in write order, so they are monotonic on disk.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private running: Promise<void> | undefined;
  private broken: Error | undefined;

  constructor(
    private readonly dir: string,
    /** Shared with the buffer; the last one is the segment being written. */
    private readonly segments: Segment[],
    private nextId: number,
    private readonly maxSegmentBytes: number,
    private readonly onDurable: () => void,
    private readonly onIdle: () => void,
  ) {}

  get idle(): boolean {
    return this.running === undefined;
  }

  /** The id the next append will get; lastDurableId + 1. */
  get next(): number {
    return this.nextId;
  }

  append(data: Buffer): Promise<number> {
    if (this.broken !== undefined) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.queue.push({ data, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Resolves when every queued append has been written (or failed). */
  async flushed(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      // Appenders whose previous append just resolved come back a few microtasks later; one turn
      // of the event loop lets them join this group instead of each paying for a lone fsync.
      await setImmediate();
      await this.commit(this.queue.splice(0));
    }
    this.running = undefined;
    this.onIdle();
  }

  private async commit(group: Pending[]): Promise<void> {
    let i = 0;
    try {
      while (i < group.length) i = await this.writeRun(group, i);
    } catch (err) {
      for (const pending of group.slice(i)) pending.reject(err);
    }
  }

  /** Writes as many of group[from..] as fit in the current segment; returns the index after them. */
  private async writeRun(group: Pending[], from: number): Promise<number> {
    let segment = this.segments.at(-1);
    const first = group[from]?.data.length ?? 0;
    const full =
      segment !== undefined &&
      segment.count > 0 &&
      segment.size + HEADER_BYTES + first > this.maxSegmentBytes;
    // A segment's ids are consecutive; after a damaged segment was cut short, start a fresh one.
    if (!segment || full || segment.lastId + 1 !== this.nextId) {
      // The previous segment's records were all fdatasynced by earlier runs, so a torn write can
      // only ever be in the last segment.
      const created = await Segment.create(this.dir, this.nextId);
      // Records must not land in a file whose directory entry a power loss could still undo.
      await syncDir(this.dir).catch(async (err: unknown) => {
        await created.remove().catch(() => undefined);
        throw err;
      });
      this.segments.push((segment = created));
    }
    const buffers: Buffer[] = [];
    const sizes: number[] = [];
    const ts = Date.now();
    let size = segment.size;
    let end = from;
    for (let p = group[end]; p; p = group[++end]) {
      const bytes = HEADER_BYTES + p.data.length;
      if (end > from && size + bytes > this.maxSegmentBytes) break;
      buffers.push(encodeHeader(this.nextId + (end - from), ts, p.data), p.data);
      sizes.push(bytes);
      size += bytes;
    }
    try {
      await writeAll(segment.fh, buffers, segment.size);
      await segment.fh.datasync();
    } catch (err) {
      await segment.fh.truncate(segment.size).catch((cause: unknown) => {
        // Bytes we cannot take back may sit past the end; stop rather than risk a record whose
        // append was rejected turning up after a restart.
        this.broken = new Error('disk buffer cannot undo a failed write; restart the agent', { cause });
      });
      throw err;
    }
    let offset = segment.size;
    for (let k = from; k < end; k++) {
      const bytes = sizes[k - from] ?? 0;
      segment.push(offset, ts, bytes);
      offset += bytes;
      group[k]?.resolve(this.nextId++);
    }
    this.onDurable();
    return end;
  }
}
