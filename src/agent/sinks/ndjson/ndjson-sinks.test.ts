import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import type { IngestBatch } from '../../../model/index.ts';
import { encodeBatch } from '../../encoded-batch.ts';
import { fileSinkSchema } from './config.ts';
import { FileSink } from './file-sink.ts';
import { StdoutSink } from './stdout-sink.ts';

const batch = (n: number): IngestBatch => ({
  batch_id: `a:${n}`,
  agent_id: 'a',
  seq: n,
  host: 'h',
  sent_ts: 1,
  metrics: [{ name: 'node_load1', labels: { host: 'h' }, value: 0.5, ts: 1000 }],
  logs: [{ ts: 1000, host: 'h', source: 'gateway', message: `line ${n} ${'x'.repeat(400)}` }],
  events: [{ ts: 1000, host: 'h', kind: 'container', action: 'start' }],
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-file-sink-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('stdout and file sinks', () => {
  it('writes each record as one JSON line with its type and batch id', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString()));
    assert.deepEqual(await new StdoutSink(out).send(await encodeBatch(batch(1))), { outcome: 'ok' });
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; batch_id: string });
    assert.deepEqual(
      lines.map((l) => [l.type, l.batch_id]),
      [
        ['log', 'a:1'],
        ['metric', 'a:1'],
        ['event', 'a:1'],
      ],
    );
  });

  it('appends to the file and rotates it to .1 at max_size_bytes', async () => {
    const file = path.join(dir, 'sub', 'out.ndjson');
    const sink = new FileSink(fileSinkSchema.parse({ path: file, max_size_bytes: 2048 }));
    for (let n = 0; n < 6; n++)
      assert.deepEqual(await sink.send(await encodeBatch(batch(n))), { outcome: 'ok' });
    assert.ok(existsSync(`${file}.1`));
    const kept = [readFileSync(`${file}.1`, 'utf8'), readFileSync(file, 'utf8')].join('');
    assert.ok(readFileSync(file, 'utf8').length <= 2048);
    assert.match(kept, /line 5 /);
  });

  it('says retryable when the file cannot be written', async () => {
    // A directory that is a regular file: ENOTDIR, as a mount gone read-only or a wrong path would fail.
    const blocker = path.join(dir, 'not-a-dir');
    writeFileSync(blocker, '');
    const sink = new FileSink(fileSinkSchema.parse({ path: path.join(blocker, 'out.ndjson') }));
    assert.equal((await sink.send(await encodeBatch(batch(9)))).outcome, 'retryable');
  });
});
