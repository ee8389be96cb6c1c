import { open, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { decodeRecord } from './record.ts';

const NAME = /^(\d{20})\.seg$/;

/** Segment files are named after the id of their first record, zero-padded so names sort by id. */
export function segmentName(firstId: number): string {
  return `${String(firstId).padStart(20, '0')}.seg`;
}

export function parseSegmentName(name: string): number | undefined {
  const match = NAME.exec(name);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export interface ReadEntry {
  id: number;
  data: Buffer;
}

/**
 * One segment file and an in-memory index of its durable records (offset and append time, 12 bytes
 * per record). Record ids in a segment are consecutive from `firstId`, so record i has id
 * firstId + i. `size` and `count` only ever cover bytes that have been fsynced.
 */
export class Segment {
  size = 0;
  count = 0;
  /** Reads in flight; a pinned segment is not deleted under them. */
  pins = 0;
  private offsets = new Uint32Array(64);
  private stamps = new Float64Array(64);

  private constructor(
    readonly firstId: number,
    readonly file: string,
    readonly fh: FileHandle,
  ) {}

  /** A new, empty segment. Fails if the file exists: a name is never reused. */
  static async create(dir: string, firstId: number): Promise<Segment> {
    const file = path.join(dir, segmentName(firstId));
    return new Segment(firstId, file, await open(file, 'wx+', 0o600));
  }

  static async openExisting(dir: string, firstId: number): Promise<Segment> {
    const file = path.join(dir, segmentName(firstId));
    return new Segment(firstId, file, await open(file, 'r+'));
  }

  /** Id of the last durable record, or firstId - 1 when empty. */
  get lastId(): number {
    return this.firstId + this.count - 1;
  }

  has(id: number): boolean {
    return id >= this.firstId && id <= this.lastId;
  }

  /** Records a durable record at the end of the index. */
  push(offset: number, ts: number, bytes: number): void {
    if (this.count === this.offsets.length) {
      const offsets = new Uint32Array(this.count * 2);
      offsets.set(this.offsets);
      this.offsets = offsets;
      const stamps = new Float64Array(this.count * 2);
      stamps.set(this.stamps);
      this.stamps = stamps;
    }
    this.offsets[this.count] = offset;
    this.stamps[this.count] = ts;
    this.count += 1;
    this.size = offset + bytes;
  }

  offsetOf(id: number): number {
    return id > this.lastId ? this.size : (this.offsets[id - this.firstId] ?? this.size);
  }

  /** Header plus payload of record `id`. */
  recordBytes(id: number): number {
    return this.offsetOf(id + 1) - this.offsetOf(id);
  }

  timestampOf(id: number): number | undefined {
    return this.has(id) ? this.stamps[id - this.firstId] : undefined;
  }

  /**
   * Records fromId .. fromId + n - 1 in one positional read. A record whose checksum or id no longer
   * matches (the disk changed under us) is left out and reported through `onCorrupt`.
   */
  async read(
    fromId: number,
    n: number,
    onCorrupt: (id: number, reason: string) => void,
  ): Promise<ReadEntry[]> {
    const start = this.offsetOf(fromId);
    const end = this.offsetOf(fromId + n);
    const buf = Buffer.allocUnsafe(end - start);
    let done = 0;
    while (done < buf.length) {
      const { bytesRead } = await this.fh.read(buf, done, buf.length - done, start + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    const entries: ReadEntry[] = [];
    for (let id = fromId; id < fromId + n; id++) {
      const record = decodeRecord(buf.subarray(0, done), this.offsetOf(id) - start);
      if ('error' in record) onCorrupt(id, record.error);
      else if (record.id !== id) onCorrupt(id, `found record id ${record.id}`);
      else entries.push({ id, data: record.payload });
    }
    return entries;
  }

  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }

  /** Closes and deletes the file. A crash before the unlink only leaves a segment that open() deletes. */
  async remove(): Promise<void> {
    await this.close();
    await unlink(this.file).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
}

/**
 * Removes from the front of `segments` (and returns) those whose last id `durableAckedId` covers.
 * The segment being written (the last) only goes while the writer is idle, so it never writes to a
 * removed file; an empty one stays, as its name is the next id. A pinned segment stops the sweep.
 */
export function takeAcked(segments: Segment[], durableAckedId: number, writerIdle: boolean): Segment[] {
  const taken: Segment[] = [];
  for (let head = segments[0]; head && head.count > 0; head = segments[0]) {
    const isActive = segments.length === 1;
    if (head.lastId > durableAckedId || head.pins > 0 || (isActive && !writerIdle)) break;
    taken.push(head);
    segments.shift();
  }
  return taken;
}
