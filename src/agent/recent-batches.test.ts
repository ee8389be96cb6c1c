import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IngestBatch } from '../model/index.ts';
import { RecentBatches } from './recent-batches.ts';

function batch(id: string, logs: number): IngestBatch {
  return {
    batch_id: id,
    agent_id: 'a',
    seq: 1,
    host: 'h',
    agent_version: '0',
    sent_ts: 0,
    metrics: [],
    logs: Array.from({ length: logs }, (_, i) => ({ ts: i, host: 'h', source: 'gateway', message: `m${i}` })),
    events: [],
  };
}

describe('recent batches', () => {
  it('hands a batch to each of its readers once, then lets it go', () => {
    const recent = new RecentBatches(100, 2);
    const one = batch('a:1', 10);
    recent.add(1, one);
    assert.equal(recent.take(1), one);
    assert.equal(recent.size, 10);
    assert.equal(recent.take(1), one);
    assert.equal(recent.size, 0);
    assert.equal(recent.take(1), undefined);
  });

  it('keeps at most maxRecords, letting the oldest go first', () => {
    const recent = new RecentBatches(25, 1);
    recent.add(1, batch('a:1', 10));
    recent.add(2, batch('a:2', 10));
    recent.add(3, batch('a:3', 10));
    assert.equal(recent.size, 20);
    assert.equal(recent.take(1), undefined);
    assert.equal(recent.take(2)?.batch_id, 'a:2');
    assert.equal(recent.take(3)?.batch_id, 'a:3');
    recent.add(4, batch('a:4', 30));
    assert.equal(recent.take(4), undefined, 'a batch larger than the bound is not kept');
  });
});
