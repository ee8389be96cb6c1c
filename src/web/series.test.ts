import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drawnPoints, subtract, toColumns } from './series.ts';

describe('toColumns', () => {
  it('puts lines on one x axis in seconds, with null where a line has no value', () => {
    const a = new Map([
      [1000, 1],
      [2000, 2],
    ]);
    const b = new Map([[2000, 20]]);
    assert.deepEqual(toColumns([a, b], 1000), [
      [1, 2],
      [1, 2],
      [null, 20],
    ]);
  });

  it('breaks the line where reports stopped for several steps', () => {
    const line = new Map([
      [1000, 1],
      [2000, 2],
      [9000, 9],
    ]);
    assert.deepEqual(toColumns([line], 1000), [
      [1, 2, 3, 9],
      [1, 2, null, 9],
    ]);
  });

  it('does not break a line whose reports are sparser than the step', () => {
    const every30s = new Map([0, 36_000, 60_000, 96_000, 120_000].map((ts) => [ts, 1]));
    const [xs, ys] = toColumns([every30s], 12_000);
    assert.equal(xs.length, 5);
    assert.ok(ys!.every((v) => v !== null));
  });

  it('counts only the points that are drawn', () => {
    assert.equal(
      drawnPoints([
        [1, 2, 3],
        [1, null, 3],
      ]),
      2,
    );
    assert.equal(drawnPoints([[]]), 0);
  });
});

describe('subtract', () => {
  it('gives used memory only where total and available were both reported', () => {
    const total = new Map([
      [1000, 100],
      [2000, 100],
    ]);
    const available = new Map([[2000, 40]]);
    assert.deepEqual([...subtract(total, available)], [[2000, 60]]);
  });
});
