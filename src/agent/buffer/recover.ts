import { readdir } from 'node:fs/promises';
import { decodeRecord, HEADER_BYTES, payloadLength } from './record.ts';
import { parseSegmentName, Segment } from './segment.ts';

const WINDOW_BYTES = 1024 * 1024;

export interface Damage {
  file: string;
  offset: number;
  reason: string;
  dropped_bytes: number;
}

/** Segment first ids found in `dir`, ascending. Other files are left alone. */
export async function listSegments(dir: string): Promise<number[]> {
  const ids: number[] = [];
  for (const name of await readdir(dir)) {
    const id = parseSegmentName(name);
    if (id !== undefined) ids.push(id);
  }
  return ids.sort((a, b) => a - b);
}

/**
 * Reads a segment from the start, indexing every record that is whole, checksummed and carries the
 * next expected id. At the first record that is not, the file is cut there (ftruncate + fdatasync):
 * whatever follows was never acknowledged to an appender if it is the last segment (a torn write),
 * and cannot be trusted if it is not (the disk damaged it). Reads go through a 1 MiB window so a
 * garbage length field never makes us allocate more than the file holds.
 */
export async function recoverSegment(segment: Segment): Promise<Damage | undefined> {
  const fileSize = (await segment.fh.stat()).size;
  let window = Buffer.alloc(0);
  let windowStart = 0;
  const ensure = async (pos: number, length: number): Promise<void> => {
    if (pos >= windowStart && pos + length <= windowStart + window.length) return;
    window = Buffer.allocUnsafe(Math.min(Math.max(length, WINDOW_BYTES), fileSize - pos));
    windowStart = pos;
    let done = 0;
    while (done < window.length) {
      const { bytesRead } = await segment.fh.read(window, done, window.length - done, pos + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    window = window.subarray(0, done);
  };

  let pos = 0;
  let reason: string | undefined;
  while (pos < fileSize) {
    await ensure(pos, HEADER_BYTES);
    if (window.length - (pos - windowStart) >= HEADER_BYTES) {
      const total = HEADER_BYTES + payloadLength(window, pos - windowStart);
      if (total <= fileSize - pos) await ensure(pos, total);
    }
    const record = decodeRecord(window, pos - windowStart);
    const expected = segment.firstId + segment.count;
    if ('error' in record) reason = record.error;
    else if (record.id !== expected) reason = `record id ${record.id}, expected ${expected}`;
    if (reason !== undefined || 'error' in record) break;
    segment.push(pos, record.ts, record.bytes);
    pos += record.bytes;
  }
  if (reason === undefined) return undefined;
  await segment.fh.truncate(pos);
  await segment.fh.datasync();
  segment.size = pos;
  return { file: segment.file, offset: pos, reason, dropped_bytes: fileSize - pos };
}

export interface Recovered {
  /** Ascending by id, none empty, none wholly acknowledged. */
  segments: Segment[];
  acked: number;
  nextId: number;
  damages: Damage[];
}

/**
 * Brings a buffer directory back to a consistent state after any stop, clean or not: cuts damaged
 * tails, then deletes segments that hold nothing to deliver (a crash between the ledger write and the
 * unlink leaves such files behind). `ledgerAcked` undefined means the ledger was lost: everything
 * still on disk is delivered again rather than risk skipping something.
 */
export async function recoverSegments(dir: string, ledgerAcked: number | undefined): Promise<Recovered> {
  const found: Segment[] = [];
  const damages: Damage[] = [];
  for (const firstId of await listSegments(dir)) {
    const segment = await Segment.openExisting(dir, firstId);
    const previous = found.at(-1);
    if (previous && firstId <= previous.lastId) {
      // Only a copied-in or hand-edited file can overlap; its records would repeat ids.
      damages.push({
        file: segment.file,
        offset: 0,
        reason: 'overlaps the previous segment',
        dropped_bytes: 0,
      });
      await segment.remove();
      continue;
    }
    const damage = await recoverSegment(segment);
    if (damage) damages.push(damage);
    found.push(segment);
  }
  const acked = ledgerAcked ?? Math.max(0, (found[0]?.firstId ?? 1) - 1);
  const nextId = Math.max(acked, found.at(-1)?.lastId ?? 0) + 1;
  const segments: Segment[] = [];
  for (const segment of found) {
    if (segment.count > 0 && segment.lastId > acked) segments.push(segment);
    else await segment.remove();
  }
  return { segments, acked, nextId, damages };
}
