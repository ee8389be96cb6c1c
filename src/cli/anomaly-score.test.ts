import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { synthetic } from '../server/alerting/anomaly/synthetic.ts';
import { anomalyScore, parseSeriesCsv, parseTimestamp } from './anomaly-score.ts';

describe('birdseye anomaly score', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-score-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads NAB-style, RFC 3339 and epoch timestamps', () => {
    assert.equal(parseTimestamp('2014-04-01 00:05:00'), Date.UTC(2014, 3, 1, 0, 5));
    assert.equal(parseTimestamp('2014-04-01T00:05:00Z'), Date.UTC(2014, 3, 1, 0, 5));
    assert.equal(parseTimestamp('1396310700'), Date.UTC(2014, 3, 1, 0, 5));
    assert.equal(parseTimestamp('1396310700000'), Date.UTC(2014, 3, 1, 0, 5));
    assert.equal(parseTimestamp('yesterday'), undefined);
  });

  it('names the line of a bad row', () => {
    assert.throws(
      () => parseSeriesCsv('timestamp,value\n1,2\n2,x\n', 'a.csv'),
      /a\.csv:3: expected "timestamp,value"/,
    );
  });

  it('prints one row per input row, cold rows unscored, and flags an injected spike', () => {
    const points = synthetic({ days: 5, weekend_factor: 1, seed: 21 });
    const spikeAt = points.length - 100;
    const csv = ['timestamp,value', ...points.map((p, i) => `${p.ts},${i === spikeAt ? 1000 : p.value}`)];
    const file = path.join(dir, 'series.csv');
    writeFileSync(file, csv.join('\n'));
    const lines: string[] = [];
    anomalyScore({ input: file }, (l) => lines.push(l));
    assert.equal(lines[0], 'timestamp,value,baseline,lower,upper,score,anomaly');
    const rows = lines.slice(1).map((l) => l.split(','));
    assert.equal(rows.length, points.length);
    assert.equal(rows[0]![5], '', 'cold start: no score');
    const flagged = rows.flatMap((r, i) => (r[6] === '1' ? [i] : []));
    assert.deepEqual(flagged, [spikeAt]);
  });
});
