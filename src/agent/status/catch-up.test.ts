import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { BufferStats } from '../buffer/index.ts';
import { CatchUpLog, formatBytes } from './catch-up.ts';
import { SinkStatus } from './sink-status.ts';

const MB = 1_000_000;

function stats(bytes: number, oldest: number | null): BufferStats {
  return {
    entries: bytes > 0 ? Math.ceil(bytes / MB) : 0,
    bytes,
    disk_bytes: bytes,
    oldest_append_ts: oldest,
    acked_id: 0,
    last_id: 0,
    read_id: 0,
    dropped_full: 0,
    torn_tail_truncations: 0,
    corrupt_skipped: 0,
  };
}

function capture(): { log: pino.Logger; messages: string[] } {
  const messages: string[] = [];
  const log = pino(
    { level: 'info' },
    { write: (line: string) => messages.push((JSON.parse(line) as { msg: string }).msg) },
  );
  return { log, messages };
}

describe('catch-up progress log', () => {
  it('reports what is left, the drain rate and the time to go while an old backlog drains, then once when done', () => {
    const start = 1_800_000_000_000;
    const sink = new SinkStatus('birdseye:server:8080', 10);
    let current = stats(0, null);
    const { log, messages } = capture();
    const progress = new CatchUpLog(() => current, sink, log, 10_000);

    // 1.2 GB waited through an outage; the sink drains 35 MB in each second of the last ten.
    current = stats(1_200 * MB, start - 60_000);
    for (let s = 0; s < 10; s++) sink.drained(35 * MB, 1, start - 9_000 + s * 1000);
    progress.tick(start + 500);
    assert.deepEqual(messages, ['catching up: 1.2 GB left, 35 MB/s, ~35 s']);

    current = stats(0, null);
    progress.tick(start + 10_500);
    progress.tick(start + 20_500);
    assert.deepEqual(messages.slice(1), ['caught up: the disk buffer is drained']);
  });

  it('stays quiet for a young backlog and for one that does not drain', () => {
    const now = 1_800_000_000_000;
    const sink = new SinkStatus('s', 10);
    const { log, messages } = capture();
    let current = stats(5 * MB, now - 2_000);
    const progress = new CatchUpLog(() => current, sink, log, 10_000);
    sink.drained(MB, 1, now - 1000);
    progress.tick(now);
    current = stats(5 * MB, now - 60_000);
    const stalled = new CatchUpLog(() => current, new SinkStatus('t', 10), log, 10_000);
    stalled.tick(now);
    assert.deepEqual(messages, []);
  });

  it('formats sizes in decimal units', () => {
    assert.equal(formatBytes(999), '999 B');
    assert.equal(formatBytes(1_234_567), '1.2 MB');
    assert.equal(formatBytes(350_000_000), '350 MB');
  });
});
