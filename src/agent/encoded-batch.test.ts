import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IngestBatch } from '../model/index.ts';
import { parseLine } from '../parse/index.ts';
import { context, fixtureLines } from '../parse/testing.ts';
import { batchJson, decodeBatch, encodeBatch, fromEntry, toEntry } from './encoded-batch.ts';

function batch(): IngestBatch {
  const lines = [
    ...fixtureLines('journal-json/local-entries.jsonl'),
    ...fixtureLines('logfmt/dockerd.log'),
    ...fixtureLines('json/pino.jsonl'),
  ].filter((line) => line !== '');
  return {
    batch_id: 'agent-1:9',
    agent_id: 'agent-1',
    seq: 9,
    host: 'node-1',
    agent_version: '0.1.0',
    sent_ts: 1795591514493,
    metrics: [{ name: 'node_load1', labels: { host: 'node-1' }, ts: 1795591514000, value: 0.25 }],
    logs: [
      ...lines.map((line) => parseLine(line, context())),
      { ts: 1.5, host: 'h', source: 'gateway', message: 'caf\u00e9 \u2713 \ud83d\ude00 "quoted"\n' },
    ],
    events: [],
  };
}

describe('encoded batches', () => {
  it('writes the JSON that JSON.stringify writes, as UTF-8', () => {
    const one = batch();
    const b = { ...one, logs: [...one.logs, ...one.logs, ...one.logs, ...one.logs] };
    assert.ok(b.logs.length > 100, 'the fixtures are read, more than one group of them');
    assert.equal(batchJson(b).toString('utf8'), JSON.stringify(b));
    assert.equal(batchJson({ ...b, logs: [] }).toString('utf8'), JSON.stringify({ ...b, logs: [] }));
  });

  it('reads back from a buffer entry the batch, its counts and its checkpoints', async () => {
    const b = batch();
    const entry = fromEntry(toEntry(await encodeBatch(b, { journald: 's=1;i=2' })));
    assert.equal(entry.id, 'agent-1:9');
    assert.equal(entry.events, b.logs.length + 1);
    assert.deepEqual(entry.checkpoints, { journald: 's=1;i=2' });
    assert.deepEqual(await decodeBatch(entry), JSON.parse(JSON.stringify(b)));
  });
});
