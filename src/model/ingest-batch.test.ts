import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BirdseyeError } from '../core/errors.ts';
import { parseIngestBatch } from './index.ts';

const valid = {
  batch_id: 'a1:7',
  agent_id: 'a1',
  seq: 7,
  host: 'node-1',
  sent_ts: 1_764_072_000_000,
  metrics: [{ name: 'node_load1', labels: { host: 'node-1' }, value: 0.5, ts: 1_764_072_000_000 }],
  logs: [{ ts: 1_764_072_000_000.123, host: 'node-1', source: 'journald', message: 'started', severity: 6 }],
  events: [
    { ts: 1_764_072_000_000, host: 'node-1', kind: 'container', action: 'oom', actor: { name: 'web' } },
  ],
};

function messageOf(input: unknown): string {
  try {
    parseIngestBatch(input);
  } catch (error) {
    assert.ok(error instanceof BirdseyeError);
    assert.equal(error.code, 'BE_BATCH_INVALID');
    assert.equal(error.status, 400);
    return error.message;
  }
  assert.fail('expected the batch to be rejected');
}

describe('ingest batch validation', () => {
  it('accepts a well-formed batch and keeps fractional milliseconds', () => {
    const batch = parseIngestBatch(valid);
    assert.equal(batch.logs[0]?.ts, 1_764_072_000_000.123);
    assert.equal(batch.metrics.length, 1);
  });

  it('defaults missing signal arrays to empty', () => {
    const { metrics: _m, logs: _l, events: _e, ...bare } = valid;
    const batch = parseIngestBatch(bare);
    assert.deepEqual([batch.metrics, batch.logs, batch.events], [[], [], []]);
  });

  const cases: Array<[string, unknown, RegExp]> = [
    [
      'a metric name that Prometheus would reject',
      { metrics: [{ ...valid.metrics[0], name: '1bad' }] },
      /metrics\[0\]\.name: must be a Prometheus metric name/,
    ],
    ['a non-numeric value', { metrics: [{ ...valid.metrics[0], value: 'high' }] }, /metrics\[0\]\.value/],
    [
      'a label value that is not a string',
      { metrics: [{ ...valid.metrics[0], labels: { host: 1 } }] },
      /metrics\[0\]\.labels\.host/,
    ],
    ['a severity outside 0–7', { logs: [{ ...valid.logs[0], severity: 9 }] }, /logs\[0\]\.severity/],
    ['an unknown key', { extra: true }, /\(root\): Unrecognized key: "extra"/i],
    [
      'a batch id that does not match agent and sequence',
      { batch_id: 'a1:8' },
      /batch_id: must be "<agent_id>:<seq>"/,
    ],
    [
      'an event without an action',
      { events: [{ ...valid.events[0], action: undefined }] },
      /events\[0\]\.action/,
    ],
  ];
  for (const [what, patch, expected] of cases) {
    it(`rejects ${what}, naming the key`, () => {
      assert.match(messageOf({ ...valid, ...(patch as object) }), expected);
    });
  }

  it('reports at most ten problems and says how many more there were', () => {
    const metrics = Array.from({ length: 15 }, () => ({ ...valid.metrics[0], value: 'x' }));
    const message = messageOf({ ...valid, metrics });
    assert.match(message, /metrics\[9\]\.value/);
    assert.doesNotMatch(message, /metrics\[10\]/);
    assert.match(message, /and 5 more/);
  });
});
