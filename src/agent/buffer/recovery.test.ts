import assert from 'node:assert/strict';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DiskBuffer, type ReadEntry } from './index.ts';

const dirs: string[] = [];
const tmp = (): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-buffer-recover-'));
  dirs.push(dir);
  return dir;
};
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const config = { max_size_bytes: 1 << 20, max_segment_bytes: 4096 };
/** Varying sizes so record boundaries fall everywhere. */
const entry = (n: number): Buffer => Buffer.from(`entry-${n}|`.padEnd(40 + ((n * 37) % 300), 'x'));
const segments = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.seg'))
    .sort();

async function drain(buffer: DiskBuffer): Promise<ReadEntry[]> {
  const out: ReadEntry[] = [];
  for (let got = await buffer.read(50, 1 << 20, { wait: false }); got.length;) {
    out.push(...got);
    got = await buffer.read(50, 1 << 20, { wait: false });
  }
  return out;
}

/** Opens a copy of `source` after `damage`, and returns what it reads back. */
async function reopenDamaged(source: string, damage: (lastSegment: string, dir: string) => void) {
  const dir = tmp();
  cpSync(source, dir, { recursive: true });
  damage(path.join(dir, segments(dir).at(-1) ?? ''), dir);
  const buffer = await DiskBuffer.open({ dir, config });
  const read = await drain(buffer);
  const stats = buffer.stats();
  const next = await buffer.append(Buffer.from('after'));
  await buffer.close();
  return { read, stats, next };
}

function assertIntactPrefix(read: ReadEntry[], count: number): void {
  assert.equal(read.length, count);
  read.forEach((e, i) => {
    assert.equal(e.id, i + 1);
    assert.deepEqual(e.data, entry(i));
  });
}

describe('disk buffer recovery', () => {
  const source = tmp();
  const TOTAL = 60;
  let lastFirstId = 0;
  /** Byte offsets where each record of the last segment ends. */
  let ends: number[] = [];

  before(async () => {
    const buffer = await DiskBuffer.open({ dir: source, config });
    for (let n = 0; n < TOTAL; n++) await buffer.append(entry(n));
    await buffer.close();
    lastFirstId = Number(segments(source).at(-1)?.slice(0, 20));
    let end = 0;
    ends = [];
    for (let id = lastFirstId; id <= TOTAL; id++) ends.push((end += 24 + entry(id - 1).length));
    assert.ok(segments(source).length >= 3 && ends.length >= 3);
    assert.equal(statSync(path.join(source, segments(source).at(-1) ?? '')).size, ends.at(-1));
  });

  it('keeps every whole record before a cut at any byte of the last segment, and counts the cut', async () => {
    const size = ends.at(-1) ?? 0;
    const cuts = new Set<number>();
    for (let cut = 0; cut < size; cut += 29) cuts.add(cut);
    for (let cut = (ends.at(-2) ?? 0) - 2; cut < size; cut++) cuts.add(cut);
    for (const cut of cuts) {
      const { read, stats, next } = await reopenDamaged(source, (file) => truncateSync(file, cut));
      const whole = ends.filter((end) => end <= cut).length;
      assertIntactPrefix(read, lastFirstId - 1 + whole);
      assert.equal(stats.torn_tail_truncations, ends.includes(cut) || cut === 0 ? 0 : 1, `cut at ${cut}`);
      assert.deepEqual(next, { id: lastFirstId + whole });
    }
  });

  it('drops the damaged record and everything after it when a tail byte is flipped', async () => {
    const size = ends.at(-1) ?? 0;
    for (let at = 0; at < size; at += 17) {
      const { read, stats } = await reopenDamaged(source, (file) => {
        const bytes = readFileSync(file);
        bytes[at] = (bytes[at] ?? 0) ^ 0xff;
        writeFileSync(file, bytes);
      });
      assertIntactPrefix(read, lastFirstId - 1 + ends.filter((end) => end <= at).length);
      assert.equal(stats.torn_tail_truncations, 1);
    }
  });

  it('cuts zeroes left past the end by a power loss', async () => {
    const { read, stats } = await reopenDamaged(source, (file) =>
      writeFileSync(file, Buffer.alloc(4096), { flag: 'a' }),
    );
    assertIntactPrefix(read, TOTAL);
    assert.equal(stats.torn_tail_truncations, 1);
  });

  it('skips a damaged stretch of an older segment and keeps the segments after it', async () => {
    const { read, stats, next } = await reopenDamaged(source, (_last, dir) => {
      const file = path.join(dir, segments(dir)[0] ?? '');
      const bytes = readFileSync(file);
      bytes[100] = (bytes[100] ?? 0) ^ 0xff;
      writeFileSync(file, bytes);
    });
    // Byte 100 is inside the second record of the first segment: records 2.. of it are gone.
    const second = Number(segments(source)[1]?.slice(0, 20));
    const kept = [1, ...Array.from({ length: TOTAL - second + 1 }, (_, i) => second + i)];
    assert.deepEqual(
      read.map((e) => e.id),
      kept,
    );
    for (const e of read) assert.deepEqual(e.data, entry(e.id - 1));
    assert.equal(stats.torn_tail_truncations, 1);
    assert.deepEqual(next, { id: TOTAL + 1 });
  });

  it('deletes segments the ledger covers, and re-delivers everything when the ledger is unreadable', async () => {
    const acked = await reopenDamaged(source, (_last, dir) =>
      writeFileSync(path.join(dir, 'ledger.json'), JSON.stringify({ acked_id: lastFirstId - 1 })),
    );
    assert.deepEqual(acked.read[0]?.id, lastFirstId);
    assert.equal(acked.stats.disk_bytes, ends.at(-1));
    const lost = await reopenDamaged(source, (_last, dir) =>
      writeFileSync(path.join(dir, 'ledger.json'), '{"acked_id": 4'),
    );
    assertIntactPrefix(lost.read, TOTAL);
  });

  it('never returns a record whose bytes changed on disk after it was written', async () => {
    const dir = tmp();
    const buffer = await DiskBuffer.open({ dir, config });
    for (let n = 0; n < 5; n++) await buffer.append(entry(n));
    const file = path.join(dir, segments(dir)[0] ?? '');
    const bytes = readFileSync(file);
    bytes[24 + entry(0).length + 30] = 0;
    writeFileSync(file, bytes);
    const read = await drain(buffer);
    assert.deepEqual(
      read.map((e) => e.id),
      [1, 3, 4, 5],
    );
    assert.equal(buffer.stats().corrupt_skipped, 1);
    buffer.rewind();
    assert.deepEqual((await buffer.read(1, 1 << 20))[0]?.id, 1);
    assert.deepEqual((await buffer.read(1, 1 << 20))[0]?.id, 3, 'a read of only the bad record moves on');
    await buffer.close();
  });
});
