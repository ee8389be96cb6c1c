import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { parseLogQuery } from '../../query/log-query.ts';
import type { StoredLog } from '../backend.ts';
import { DAY, log, logBatch, T0 } from '../contract-fixtures.ts';
import { SqliteBackend } from './sqlite-backend.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'birdseye-log-writer-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('log writer', () => {
  it('stores a batch out of time order, across days, once each; the tail gets it in batch order', async () => {
    const store = new SqliteBackend(path.join(root, 'a'));
    try {
      const tailed: StoredLog[] = [];
      const off = store.onLogs((_tenant, records) => tailed.push(...records));
      const messages = ['b second', 'a first', 'd next day', 'c third', 'a2 same time as first'];
      const times = [T0 + 2000, T0 + 1000, T0 + DAY, T0 + 3000, T0 + 1000];
      await store.writeBatch('default', logBatch(messages.map((m, n) => log(times[n]!, m))), T0);
      off();
      assert.deepEqual(
        tailed.map((r) => r.message),
        messages,
      );
      const search = (q: string) =>
        store.searchLogs('default', {
          query: parseLogQuery(q),
          from: T0 - DAY,
          to: T0 + 2 * DAY,
          limit: 10,
          order: 'oldest',
        });
      const page = await search('');
      assert.deepEqual(
        page.records.map((r) => r.message),
        ['a first', 'a2 same time as first', 'b second', 'c third', 'd next day'],
      );
      // Each tailed record's id is the stored line's.
      for (const r of tailed) assert.equal(page.records.find((s) => s.id === r.id)?.message, r.message);
      assert.deepEqual(
        (await search('third')).records.map((r) => r.message),
        ['c third'],
      );
    } finally {
      await store.close();
    }
  });

  it('stores more lines of one microsecond than its ids hold, in order, each counted under its severity', async () => {
    const store = new SqliteBackend(path.join(root, 'b'));
    try {
      // 4,096 ids a microsecond on a day made since schema 5: the rest borrow the next ones.
      const n = 5000;
      const lines = Array.from({ length: n }, (_, i) =>
        log(T0, `burst ${i}`, i % 9 === 8 ? {} : { severity: i % 9 }),
      );
      await store.writeBatch('default', logBatch(lines.slice(0, 3000)), T0);
      await store.writeBatch('default', logBatch(lines.slice(3000)), T0);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.searchLogs('default', {
          query: parseLogQuery('burst'),
          from: T0,
          to: T0 + 1,
          limit: 1000,
          order: 'oldest',
          ...(cursor ? { cursor } : {}),
        });
        seen.push(...page.records.map((r) => r.message));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      assert.deepEqual(
        seen,
        lines.map((l) => l.message),
      );
      const counts = await store.logHistogram('default', {
        query: parseLogQuery('burst'),
        from: T0,
        to: T0 + 1,
        interval_ms: 60_000,
      });
      const expected = [null, 0, 1, 2, 3, 4, 5, 6, 7].map((severity) => ({
        ts: T0,
        severity,
        count: lines.filter((l) => (l.severity ?? null) === severity).length,
      }));
      assert.deepEqual(counts, expected);
    } finally {
      await store.close();
    }
  });
});
