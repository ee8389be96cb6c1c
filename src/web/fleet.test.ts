import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { QueryResult } from './api.ts';
import { hostHealth, latestBy } from './fleet.ts';

describe('fleet health', () => {
  it('is stale when the host stopped reporting, whatever its figures', () => {
    assert.equal(hostHealth({ up: false, figures: { cpu: 5 }, alerts: [] }).health, 'stale');
  });

  it('takes the worst of alerts, CPU, memory and disk, and says why', () => {
    assert.deepEqual(hostHealth({ up: true, figures: { cpu: 20, memory: 0.5, disk: 0.3 }, alerts: [] }), {
      health: 'ok',
      reasons: [],
    });
    assert.deepEqual(hostHealth({ up: true, figures: { cpu: 80, disk: 0.95 }, alerts: [] }), {
      health: 'bad',
      reasons: ['CPU 80 %', 'disk 95 %'],
    });
    assert.equal(hostHealth({ up: true, figures: { cpu: 10 }, alerts: ['warning'] }).health, 'warn');
    assert.equal(hostHealth({ up: true, figures: undefined, alerts: ['warning', 'critical'] }).health, 'bad');
  });

  it('keeps the newest point of each series by its key', () => {
    const result: QueryResult = {
      from: 0,
      to: 2,
      step_ms: 1,
      series: [
        {
          labels: { host: 'a' },
          points: [
            [1, 10],
            [2, 20],
          ] as Array<[number, number]>,
        },
        { labels: { host: 'b' }, points: [] },
        { labels: {}, points: [[1, 5]] as Array<[number, number]> },
      ],
    };
    assert.deepEqual([...latestBy(result, (l) => l.host)], [['a', 20]]);
  });
});
