import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { LogRecord } from '../model/index.ts';
import { MemorySink } from './sinks/memory/memory-sink.ts';
import { openTestPipeline } from './testing.ts';

const logs = (n: number): LogRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    ts: 1000 + i,
    host: 'node-1',
    source: 'test',
    message: `line ${i}`,
  }));

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 2000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(check(), `${what} not reached in time`);
};

const messages = (sink: MemorySink) => sink.delivered.flatMap((b) => b.logs.map((l) => l.message));

describe('agent pipeline with several sinks', () => {
  it('delivers every batch to each sink; a sink that is down loses none of its backlog, even across a restart', async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-pipeline-'));
    const up = new MemorySink(undefined, 'birdseye');
    const down = new MemorySink(
      () => ({ outcome: 'retryable', reason: 'connection refused' }),
      'elasticsearch',
    );
    const first = await openTestPipeline(up, { stateDir, extraSinks: [down] });
    first.accept({ logs: logs(350) });
    await until(() => messages(up).length === 350, 'the working sink has everything');
    assert.equal(down.delivered.length, 0);
    assert.ok(down.attempts.length > 0);
    await first.stop(50);

    // Restart with the other sink back: it gets the whole backlog, the first sink nothing twice.
    const again = new MemorySink(undefined, 'birdseye');
    const back = new MemorySink(undefined, 'elasticsearch');
    const second = await openTestPipeline(again, { stateDir, extraSinks: [back] });
    await until(() => messages(back).length === 350, 'the returning sink catches up');
    assert.deepEqual(
      messages(back),
      logs(350).map((l) => l.message),
    );
    assert.deepEqual(
      back.delivered.map((b) => b.batch_id),
      up.delivered.map((b) => b.batch_id),
      'the same batches, with the same ids',
    );
    assert.equal(again.attempts.length, 0);
    await until(() => second.buffer.stats().entries === 0, 'the buffer empties once both acknowledged');
    await second.stop(50);
  });

  it('refuses two sinks of the same kind on one pipeline', async () => {
    await assert.rejects(
      openTestPipeline(new MemorySink(), { extraSinks: [new MemorySink()] }),
      /one sink of each kind/,
    );
  });
});
