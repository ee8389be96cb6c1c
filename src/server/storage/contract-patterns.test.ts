import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { parseLogQuery } from '../query/log-query.ts';
import type { StorageBackend } from './backend.ts';
import { backendOpener, DAY, log, logBatch as batch, T0 } from './contract-fixtures.ts';
import { PATTERN_BUCKET_MS, type PatternUpdate } from './pattern-types.ts';
import { STORAGE_BACKENDS } from './registry.ts';

const MIN = PATTERN_BUCKET_MS;

function update(
  id: string,
  buckets: Array<[number, number]>,
  extra: Partial<PatternUpdate> = {},
): PatternUpdate {
  const times = buckets.map(([ts]) => ts);
  return {
    id,
    source: 'docker',
    template: `template of ${id} <NUM>`,
    buckets,
    first_seen: Math.min(...times),
    last_seen: Math.max(...times) + 1000,
    severity: null,
    examples: [`example of ${id} 1`],
    ...extra,
  };
}

for (const [name, create] of Object.entries(STORAGE_BACKENDS)) {
  describe(`storage pattern contract: ${name}`, () => {
    const { open, dispose } = backendOpener(name, create);
    after(dispose);
    const range = { from: T0, to: T0 + 10 * MIN - 1, limit: 10, step_ms: 5 * MIN };
    const query = (b: StorageBackend, extra: object = {}) =>
      b.queryPatterns('default', { ...range, ...extra });

    it('ranks patterns by their lines in the range, with a sparkline per step', async () => {
      const { backend } = open();
      await backend.writePatterns('default', [
        update('aaa', [
          [T0, 2],
          [T0 + 6 * MIN, 3],
        ]),
        update('bbb', [[T0 + MIN, 10]], { severity: 3 }),
        update('old', [[T0 - DAY, 50]]),
      ]);
      const found = await query(backend);
      assert.deepEqual(
        found.map((p) => [p.id, p.count, p.sparkline]),
        [
          ['bbb', 10, [10, 0]],
          ['aaa', 5, [2, 3]],
        ],
      );
      assert.equal(found[0]!.severity, 3);
      assert.equal(found[0]!.template, 'template of bbb <NUM>');
      assert.deepEqual(found[0]!.examples, ['example of bbb 1']);
    });

    it('adds up flushes: totals, first/last seen, the most severe level, the newest examples', async () => {
      const { backend } = open();
      await backend.writePatterns('default', [
        update('p', [[T0 + MIN, 1]], { severity: 6, examples: ['a', 'b'] }),
      ]);
      await backend.writePatterns('default', [
        update('p', [[T0 + MIN, 4]], { severity: 4, examples: ['c', 'd'], template: 'generalised <*>' }),
      ]);
      await backend.writePatterns('default', [
        update('p', [[T0 + 3 * MIN, 1]], { severity: 7, examples: [], template: 'generalised <*>' }),
      ]);
      const [p] = await query(backend);
      assert.equal(p!.count, 6);
      assert.equal(p!.total, 6);
      assert.equal(p!.severity, 4);
      assert.equal(p!.template, 'generalised <*>');
      assert.equal(p!.first_seen, T0 + MIN);
      assert.equal(p!.last_seen, T0 + 3 * MIN + 1000);
      assert.deepEqual(p!.examples, ['b', 'c', 'd']);
    });

    it('filters by template words and keeps tenants apart', async () => {
      const { backend } = open();
      await backend.writePatterns('default', [
        update('x', [[T0, 1]], { template: 'Connection refused by <IP>' }),
        update('y', [[T0, 1]], { template: 'disk full' }),
      ]);
      await backend.writePatterns('other', [update('z', [[T0, 1]], { template: 'connection lost' })]);
      assert.deepEqual(
        (await query(backend, { text: 'CONNECTION' })).map((p) => p.id),
        ['x'],
      );
      assert.deepEqual(
        (await backend.queryPatterns('other', range)).map((p) => p.id),
        ['z'],
      );
    });

    it('counts an absorbed pattern under the one that absorbed it, and resolves its id', async () => {
      const { backend } = open();
      await backend.writePatterns('default', [update('keep', [[T0, 5]]), update('gone', [[T0, 2]])]);
      await backend.writePatterns('default', [update('gone', [], { merged_into: 'keep' })]);
      const found = await query(backend);
      assert.deepEqual(
        found.map((p) => [p.id, p.count, p.merged]),
        [['keep', 7, ['gone']]],
      );
      const [byOld] = await query(backend, { id: 'gone' });
      assert.equal(byOld?.id, 'keep');
    });

    it('drops counts older than the retention cutoff', async () => {
      const { backend } = open();
      await backend.writePatterns('default', [update('p', [[T0 - 3 * DAY, 1]])]);
      await backend.dropBefore(T0 - DAY);
      assert.deepEqual(await backend.queryPatterns('default', { ...range, from: T0 - 4 * DAY }), []);
    });

    it('stores the pattern id with the record: queryable as pattern:<id> and groupable', async () => {
      const { backend } = open();
      await backend.writeBatch(
        'default',
        batch([
          log(T0 + 1, 'disk 1 full', { pattern: 'p1' }),
          log(T0 + 2, 'disk 2 full', { pattern: 'p1' }),
          log(T0 + 3, 'user ann logged in', { pattern: 'p2' }),
          log(T0 + 4, 'stored before mining'),
        ]),
        T0,
      );
      const page = await backend.searchLogs('default', {
        query: parseLogQuery('pattern:p1'),
        from: T0,
        to: T0 + DAY,
        limit: 10,
        order: 'oldest',
      });
      assert.deepEqual(
        page.records.map((r) => [r.message, r.pattern]),
        [
          ['disk 1 full', 'p1'],
          ['disk 2 full', 'p1'],
        ],
      );
      const groups = await backend.groupLogsByPattern('default', {
        query: parseLogQuery('NOT ann'),
        from: T0,
        to: T0 + DAY,
        limit: 10,
      });
      assert.deepEqual(groups, [
        { pattern: 'p1', count: 2 },
        { pattern: null, count: 1 },
      ]);
    });
  });
}
