import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { DiskBuffer, type BufferConsumer } from './index.ts';

const dirs: string[] = [];
const tmp = (): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-buffer-'));
  dirs.push(dir);
  return dir;
};
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const segmentFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.seg'));

const open = (dir: string, consumers: string[]) =>
  DiskBuffer.open({ dir, config: { max_size_bytes: 1 << 20, max_segment_bytes: 4096 }, consumers });

async function fill(buffer: DiskBuffer, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await buffer.append(Buffer.from(`entry-${i}`.padEnd(200, '.')));
}

/** Reads and acknowledges everything the consumer has now; returns the payloads. */
async function drainAndAck(consumer: BufferConsumer): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const entries = await consumer.read(10, 1 << 20, { wait: false });
    if (entries.length === 0) return out;
    out.push(...entries.map((e) => e.data.toString().replace(/\.+$/, '')));
    await consumer.ack(entries.at(-1)!.id);
  }
}

describe('disk buffer with several consumers', () => {
  it('keeps a down consumer’s whole backlog while the other drains, across a restart', async () => {
    const dir = tmp();
    const buffer = await open(dir, ['birdseye', 'elasticsearch']);
    await fill(buffer, 60);
    // birdseye delivers everything; elasticsearch is down and reads nothing.
    const delivered = await drainAndAck(buffer.consumer('birdseye'));
    assert.equal(delivered.length, 60);
    assert.equal(buffer.stats().entries, 60, 'nothing is deleted while one consumer still needs it');
    assert.ok(segmentFiles(dir).length > 1);
    await buffer.close();

    const reopened = await open(dir, ['birdseye', 'elasticsearch']);
    assert.deepEqual(await drainAndAck(reopened.consumer('birdseye')), [], 'birdseye resends nothing');
    const late = await drainAndAck(reopened.consumer('elasticsearch'));
    assert.deepEqual(
      late,
      Array.from({ length: 60 }, (_, i) => `entry-${i}`),
    );
    assert.equal(reopened.stats().entries, 0);
    assert.ok(segmentFiles(dir).length <= 1, 'segments go once every consumer acknowledged them');
    await reopened.close();
  });

  it('moves each consumer at its own pace and tells their positions', async () => {
    const buffer = await open(tmp(), ['a', 'b']);
    await fill(buffer, 10);
    const a = buffer.consumer('a');
    const b = buffer.consumer('b');
    await a.ack((await a.read(4, 1 << 20))[3]!.id);
    await b.ack((await b.read(7, 1 << 20))[6]!.id);
    const stats = buffer.consumerStats();
    assert.deepEqual([stats.a?.entries, stats.b?.entries, buffer.stats().entries], [6, 3, 6]);
    assert.throws(() => buffer.consumer('c'), /no consumer "c"/);
    await buffer.close();
  });

  it('starts every consumer at the acked id of a ledger written before consumers existed', async () => {
    const dir = tmp();
    const first = await open(dir, ['default']);
    await fill(first, 5);
    await first.close();
    writeFileSync(path.join(dir, 'ledger.json'), JSON.stringify({ acked_id: 2 }));
    const buffer = await open(dir, ['birdseye', 'file']);
    assert.deepEqual(await drainAndAck(buffer.consumer('file')), ['entry-2', 'entry-3', 'entry-4']);
    assert.deepEqual(await drainAndAck(buffer.consumer('birdseye')), ['entry-2', 'entry-3', 'entry-4']);
    await buffer.close();
  });
});
