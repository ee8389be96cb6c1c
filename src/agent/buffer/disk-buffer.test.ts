import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Telemetry } from '../../core/telemetry.ts';
import { BufferError, DiskBuffer, type DiskBufferOptions, type ReadEntry } from './index.ts';

const dirs: string[] = [];
const tmp = (): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-buffer-'));
  dirs.push(dir);
  return dir;
};
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const entry = (n: number, size = 100): Buffer => Buffer.from(`entry-${n}:`.padEnd(size, String(n % 10)));
const segmentFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.seg'));

async function appendAll(buffer: DiskBuffer, from: number, to: number, size?: number): Promise<number[]> {
  const results = await Promise.all(
    Array.from({ length: to - from }, (_, i) => buffer.append(entry(from + i, size))),
  );
  return results.map((r) => ('id' in r ? r.id : -1));
}

/** Everything readable now, without waiting. */
async function drain(buffer: DiskBuffer, maxEntries = 7): Promise<ReadEntry[]> {
  const out: ReadEntry[] = [];
  for (let got = await buffer.read(maxEntries, 1 << 20, { wait: false }); got.length;) {
    out.push(...got);
    got = await buffer.read(maxEntries, 1 << 20, { wait: false });
  }
  return out;
}

const small = (dir: string, extra: Partial<DiskBufferOptions> = {}): Promise<DiskBuffer> =>
  DiskBuffer.open({ dir, config: { max_size_bytes: 1 << 20, max_segment_bytes: 4096 }, ...extra });

describe('disk buffer', () => {
  it('hands entries out in append order with increasing ids, each once', async () => {
    const buffer = await small(tmp());
    assert.deepEqual(
      await appendAll(buffer, 0, 200),
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    const read = await drain(buffer);
    assert.deepEqual(
      read.map((e) => e.id),
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    read.forEach((e, i) => assert.deepEqual(e.data, entry(i)));
    assert.deepEqual(await buffer.read(10, 1 << 20, { wait: false }), []);
    await buffer.close();
  });

  it('rolls over to new segments and deletes them once every entry in them is acked', async () => {
    const dir = tmp();
    const buffer = await small(dir);
    await appendAll(buffer, 0, 200);
    const files = segmentFiles(dir);
    assert.ok(files.length >= 5, `expected several segments, got ${files.length}`);
    assert.equal(files[0], '00000000000000000001.seg');
    await drain(buffer);
    await buffer.ack(100);
    assert.ok(segmentFiles(dir).length < files.length);
    assert.equal(buffer.stats().entries, 100);
    await buffer.ack(200);
    assert.deepEqual(segmentFiles(dir), []);
    assert.equal(buffer.stats().disk_bytes, 0);
    assert.deepEqual(await appendAll(buffer, 200, 201), [201]);
    await buffer.close();
  });

  it('resumes after the last acknowledged id on reopen: unacked entries come again, acked never', async () => {
    const dir = tmp();
    const first = await small(dir);
    await appendAll(first, 0, 50);
    await drain(first);
    await first.ack(20);
    await first.close();
    const second = await small(dir);
    assert.equal(second.stats().acked_id, 20);
    const again = await drain(second);
    assert.deepEqual(
      again.map((e) => e.id),
      Array.from({ length: 30 }, (_, i) => i + 21),
    );
    assert.deepEqual(again[0]?.data, entry(20));
    assert.deepEqual(await appendAll(second, 50, 51), [51]);
    await second.close();
  });

  it('rewinds the read cursor to the acked position', async () => {
    const buffer = await small(tmp());
    await appendAll(buffer, 0, 10);
    assert.equal((await buffer.read(6, 1 << 20)).length, 6);
    await buffer.ack(3);
    buffer.rewind();
    assert.deepEqual(
      (await drain(buffer)).map((e) => e.id),
      [4, 5, 6, 7, 8, 9, 10],
    );
    await buffer.close();
  });

  it('keeps entries larger than a segment whole, and returns at least one entry past maxBytes', async () => {
    const buffer = await small(tmp());
    const big = Buffer.alloc(100_000, 7);
    await buffer.append(entry(1));
    await buffer.append(big);
    await buffer.append(entry(3));
    const first = await buffer.read(10, 10);
    assert.equal(first.length, 1);
    assert.deepEqual((await buffer.read(10, 10))[0]?.data, big);
    assert.deepEqual((await buffer.read(10, 10))[0]?.data, entry(3));
    await buffer.close();
  });

  it('refuses an entry larger than the whole buffer with a clear error', async () => {
    const buffer = await small(tmp());
    await assert.rejects(buffer.append(Buffer.alloc(2 << 20)), (err: unknown) => {
      assert.ok(err instanceof BufferError);
      assert.equal(err.code, 'BE_BUFFER_ENTRY_TOO_LARGE');
      assert.match(err.message, /max_size_bytes 1048576/);
      return true;
    });
    await buffer.close();
  });

  it('wakes a waiting reader on append, and ends it with [] on abort or close', async () => {
    const buffer = await small(tmp());
    const waiting = buffer.read(10, 1 << 20);
    await buffer.append(entry(1));
    assert.deepEqual(
      (await waiting).map((e) => e.id),
      [1],
    );
    const controller = new AbortController();
    const aborted = buffer.read(10, 1 << 20, { signal: controller.signal });
    controller.abort();
    assert.deepEqual(await aborted, []);
    const closing = buffer.read(10, 1 << 20);
    await buffer.close();
    assert.deepEqual(await closing, []);
  });

  it('closes twice safely and rejects appends and acks afterwards', async () => {
    const buffer = await small(tmp());
    await appendAll(buffer, 0, 3);
    await Promise.all([buffer.close(), buffer.close()]);
    await buffer.close();
    await assert.rejects(buffer.append(entry(4)), { code: 'BE_BUFFER_CLOSED' });
    await assert.rejects(buffer.ack(1), { code: 'BE_BUFFER_CLOSED' });
  });

  it('rejects an ack of an id never appended and an invalid config naming the key', async () => {
    const buffer = await small(tmp());
    await appendAll(buffer, 0, 2);
    await assert.rejects(buffer.ack(3), { code: 'BE_BUFFER_ACK_RANGE' });
    await buffer.close();
    await assert.rejects(DiskBuffer.open({ dir: tmp(), config: { when_full: 'oops' } as never }), {
      code: 'BE_CONFIG_INVALID',
      message: /agent\.buffer\.when_full/,
    });
  });

  it('reports backlog size and age in stats() and on /metrics', async () => {
    const telemetry = new Telemetry();
    const buffer = await small(tmp(), { telemetry });
    const before = Date.now();
    await appendAll(buffer, 0, 4);
    await buffer.read(2, 1 << 20);
    await buffer.ack(2);
    const stats = buffer.stats();
    assert.equal(stats.entries, 2);
    assert.equal(stats.bytes, 2 * (24 + 100));
    assert.equal(stats.acked_id, 2);
    assert.equal(stats.last_id, 4);
    assert.ok(stats.oldest_append_ts !== null && stats.oldest_append_ts >= before);
    const text = telemetry.render();
    assert.match(text, /^agent_buffer_entries\{buffer="[^"]+"\} 2$/m);
    assert.match(text, /^agent_buffer_bytes\{buffer="[^"]+"\} 248$/m);
    assert.match(text, /^agent_buffer_oldest_age_seconds\{buffer="[^"]+"\} /m);
    assert.match(text, /^component_sent_events_total\{component_kind="buffer",component_id="disk"\} 2$/m);
    await buffer.close();
  });
});
