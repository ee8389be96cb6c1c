import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { LogRecord } from '../../../model/index.ts';
import { parseLine } from '../../../parse/index.ts';
import { context, fixtureLines } from '../../../parse/testing.ts';
import { bulkBody, documentOf } from './bulk-body.ts';

const FORMATS = ['journal-json', 'journal-short', 'json', 'logfmt', 'plain', 'rfc3164', 'rfc5424'];

/** Every captured fixture line of every format, parsed as the gateway parses it. */
function fixtureRecords(): LogRecord[] {
  return FORMATS.flatMap((format) => {
    const dir = new URL(`../../../../test/fixtures/parse/${format}/`, import.meta.url);
    return readdirSync(dir)
      .filter((file) => !file.endsWith('.md'))
      .flatMap((file) => fixtureLines(`${format}/${file}`))
      .filter((line) => line !== '')
      .map((line) => parseLine(line, context()));
  });
}

const base: LogRecord = {
  ts: 1795591514493.336,
  host: 'node-1',
  source: 'gateway',
  message: 'hello "world"',
};

describe('elasticsearch bulk documents', () => {
  it("stamps each document with the record's time as toISOString gives it", () => {
    const times = [
      0, 1, 999.9, 1000, 1795591514493.336, 1767225599999.999, 253402300800000, -1.5, -86_400_001,
    ];
    for (let i = 0; i < 2000; i++) times.push(Math.random() * 2e12, 1767225600000 + i * 7.3);
    for (const ts of times) {
      assert.equal(documentOf({ ...base, ts })['@timestamp'], new Date(ts).toISOString(), `ts ${ts}`);
    }
    assert.throws(() => documentOf({ ...base, ts: Number.NaN }), RangeError);
  });

  it('writes every fixture record as one NDJSON document after its action', () => {
    const records = fixtureRecords();
    assert.ok(records.length > 50, 'the fixtures are read');
    const batch = {
      batch_id: 'a:1',
      agent_id: 'a',
      seq: 1,
      host: 'h',
      sent_ts: 0,
      metrics: [],
      logs: records,
      events: [],
    };
    const lines = bulkBody(batch, 'logs', false).body.toString('utf8').split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.length, records.length * 2);
    records.forEach((record, i) => assert.equal(lines[2 * i + 1], JSON.stringify(documentOf(record))));
  });

  it('gives each action the batch id and the position, and only the positions asked for on a retry', () => {
    const batch = {
      batch_id: 'agent:7',
      agent_id: 'agent',
      seq: 7,
      host: 'node-1',
      sent_ts: 0,
      metrics: [],
      logs: [base, { ...base, message: 'two' }, { ...base, message: 'three' }],
      events: [],
    };
    const all = bulkBody(batch, 'logs', false);
    assert.deepEqual(all.positions, [0, 1, 2]);
    const lines = all.body.toString().split('\n');
    assert.equal(lines.length, 7);
    assert.equal(lines[0], '{"create":{"_index":"logs","_id":"agent:7:0"}}');
    assert.equal(lines[3], JSON.stringify(documentOf(batch.logs[1]!)));
    const retry = bulkBody(batch, 'logs', true, new Set([2]));
    assert.deepEqual(retry.positions, [2]);
    assert.equal(
      retry.body.toString().split('\n')[0],
      '{"create":{"_index":"logs","_id":"agent:7:2","_type":"_doc"}}',
    );
  });
});
