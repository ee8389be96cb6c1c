import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { groupAccuracy, measure, readLabeled } from './accuracy.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/patterns');

/**
 * Floors a little under the grouping accuracy measured on the labeled Loghub samples (see
 * docs/patterns.md): a change to the masker or the miner that loses accuracy fails here.
 */
const FLOORS: Record<string, number> = {
  Apache: 0.99,
  BGL: 0.97,
  HDFS: 0.99,
  HealthApp: 0.99,
  Linux: 0.68,
  OpenSSH: 0.98,
  Proxifier: 0.04,
  Zookeeper: 0.98,
};

describe('grouping accuracy', () => {
  it('scores a line correct only when its group is exactly its true group', () => {
    assert.equal(groupAccuracy(['a', 'a', 'b'], ['x', 'x', 'y']), 1);
    // One predicted group holding two true templates: all three lines of it are wrong.
    assert.equal(groupAccuracy(['a', 'a', 'a', 'b'], ['x', 'x', 'y', 'z']), 0.25);
    // A true template split in two: both parts are wrong.
    assert.equal(groupAccuracy(['a', 'b', 'c'], ['x', 'x', 'y']), 1 / 3);
  });

  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.tsv'));
  it('has a floor for every labeled data set', () => {
    assert.deepEqual(files.map((f) => f.split('_')[0]).sort(), Object.keys(FLOORS).sort());
  });

  for (const file of files) {
    const name = file.split('_')[0]!;
    it(`groups ${name} at least ${FLOORS[name]} correctly`, () => {
      const accuracy = measure(readLabeled(path.join(FIXTURES, file)));
      assert.ok(accuracy >= FLOORS[name]!, `${name}: ${accuracy.toFixed(3)} < ${FLOORS[name]}`);
    });
  }
});
