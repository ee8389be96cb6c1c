import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { Telemetry } from '../../core/telemetry.ts';
import { DiskBuffer } from './index.ts';

const dirs: string[] = [];
const tmp = (): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-buffer-full-'));
  dirs.push(dir);
  return dir;
};
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
// 64 KiB buffer → 16 KiB segments; each entry is 1000 + 24 header bytes, so 64 fill it exactly.
const config = { max_size_bytes: 64 * 1024, max_segment_bytes: 16 * 1024 };
const entry = (n: number): Buffer => Buffer.alloc(1000, n % 256);

describe('disk buffer when full', () => {
  it('block: an append waits until acks free a segment, then resolves', async () => {
    const buffer = await DiskBuffer.open({ dir: tmp(), config });
    for (let n = 0; n < 64; n++) await buffer.append(entry(n));
    assert.equal(buffer.stats().disk_bytes, 64 * 1024);
    let resolved: unknown;
    const blocked = buffer.append(entry(64)).then((r) => (resolved = r));
    await sleep(50);
    assert.equal(resolved, undefined, 'append resolved although the buffer was full');
    const read = await buffer.read(10, 1 << 20);
    await buffer.ack(read.at(-1)?.id ?? 0);
    await sleep(20);
    assert.equal(resolved, undefined, 'acking part of a segment frees nothing on disk');
    await buffer.read(6, 1 << 20);
    await buffer.ack(16);
    assert.deepEqual(await blocked, { id: 65 });
    assert.ok(buffer.stats().disk_bytes <= config.max_size_bytes);
    await buffer.close();
  });

  it('block: waiters are served in order, and close() rejects those still waiting', async () => {
    const buffer = await DiskBuffer.open({ dir: tmp(), config });
    for (let n = 0; n < 64; n++) await buffer.append(entry(n));
    const order: number[] = [];
    const first = buffer.append(entry(100)).then((r) => order.push('id' in r ? r.id : -1));
    const second = buffer.append(entry(101)).then((r) => order.push('id' in r ? r.id : -1));
    await buffer.read(16, 1 << 20);
    await buffer.ack(16);
    await Promise.all([first, second]);
    assert.deepEqual(order, [65, 66]);
    for (let n = 0; buffer.stats().disk_bytes + 1024 <= config.max_size_bytes; n++)
      await buffer.append(entry(n));
    const stuck = assert.rejects(buffer.append(entry(1)), { code: 'BE_BUFFER_CLOSED' });
    await buffer.close();
    await stuck;
  });

  it('drop_newest: a full buffer refuses at once and counts every drop', async () => {
    const telemetry = new Telemetry();
    const buffer = await DiskBuffer.open({
      dir: tmp(),
      config: { ...config, when_full: 'drop_newest' },
      telemetry,
    });
    for (let n = 0; n < 64; n++) assert.ok('id' in (await buffer.append(entry(n))));
    assert.deepEqual(await buffer.append(entry(64)), { dropped: true });
    assert.deepEqual(await buffer.append(entry(65)), { dropped: true });
    assert.equal(buffer.stats().dropped_full, 2);
    assert.match(
      telemetry.render(),
      /^component_discarded_events_total\{component_kind="buffer",component_id="disk",reason="buffer_full"\} 2$/m,
    );
    await buffer.read(64, 1 << 20);
    await buffer.ack(64);
    assert.deepEqual(await buffer.append(entry(66)), { id: 65 });
    await buffer.close();
  });
});
