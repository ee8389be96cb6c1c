import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { random } from '../../alerting/anomaly/synthetic.ts';
import { parseLogQuery } from '../../query/log-query.ts';
import type { StoredLog } from '../backend.ts';
import { DAY, log, logBatch, T0 } from '../contract-fixtures.ts';
import { SqliteBackend } from './sqlite-backend.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'birdseye-log-writer-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Lines from T0 to `to` matching `q`, oldest first. */
function oldestFirst(store: SqliteBackend, q: string, to: number, limit: number) {
  return store.searchLogs('default', { query: parseLogQuery(q), from: T0, to, limit, order: 'oldest' });
}

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

  it('gives a line that comes back to an earlier microsecond a free id, whatever came between', async () => {
    const store = new SqliteBackend(path.join(root, 'd'));
    try {
      // Earlier, later, earlier, later again, newest, then the later microsecond once more: each
      // batch one line, each line a new id.
      const times = [T0, T0 + 10, T0, T0 + 10, T0 + 20, T0 + 10, T0, T0 + 20];
      for (const [n, ts] of times.entries()) {
        await store.writeBatch('default', logBatch([log(ts, `revisit ${n}`)], [], `agent-${n}`), T0);
      }
      const page = await oldestFirst(store, 'revisit', T0 + 60_000, 20);
      assert.deepEqual(
        page.records.map((r) => r.message),
        [
          'revisit 0',
          'revisit 2',
          'revisit 6',
          'revisit 1',
          'revisit 3',
          'revisit 5',
          'revisit 4',
          'revisit 7',
        ],
      );
    } finally {
      await store.close();
    }
  });

  it('gives every line its own id over many batches that revisit recent microseconds in random order', async () => {
    const store = new SqliteBackend(path.join(root, 'e'));
    try {
      const rand = random(42);
      const pick = (n: number) => Math.floor(rand() * n);
      let written = 0;
      for (let b = 0; b < 300; b++) {
        const lines = Array.from({ length: 1 + pick(4) }, () =>
          log(T0 + (Math.floor(b / 10) + pick(6)) * 0.001, `random ${written++}`),
        );
        await store.writeBatch('default', logBatch(lines, [], 'agent-random'), T0);
      }
      const page = await oldestFirst(store, 'random', T0 + 1, 5000);
      assert.equal(page.records.length, written);
      assert.equal(new Set(page.records.map((r) => r.id)).size, written);
    } finally {
      await store.close();
    }
  });

  it('writes batches back to back while their index commits; each read sees whole batches, and reads are not held off until the end', async () => {
    const store = new SqliteBackend(path.join(root, 'c'));
    try {
      const size = 500;
      const batches = 12;
      const range = { from: T0, to: T0 + 60_000, interval_ms: 60_000 };
      const count = async (q: string) =>
        (await store.logHistogram('default', { query: parseLogQuery(q), ...range })).reduce(
          (n, c) => n + c.count,
          0,
        );
      const writes: Promise<unknown>[] = [];
      for (let b = 0; b < batches; b++) {
        const lines = Array.from({ length: size }, (_, i) => log(T0 + b * size + i, `piped b${b} l${i}`));
        writes.push(store.writeBatch('default', logBatch(lines), T0));
      }
      let writing = true;
      const written = Promise.all(writes).finally(() => (writing = false));
      const seen: Array<[number, number]> = [];
      // As requests come, each in a turn of its own: the index's count and the rows' count, issued
      // together, so answered in one step.
      while (writing) {
        seen.push(await Promise.all([count('piped'), count('')]));
        await new Promise((resolve) => setImmediate(resolve));
      }
      await written;
      console.log(JSON.stringify(seen));
      for (const [indexed, rows] of seen) {
        assert.equal(indexed, rows, 'the index had every line the rows had');
        assert.equal(rows % size, 0, 'whole batches only');
      }
      assert.ok(
        seen.some(([, rows]) => rows > 0 && rows < size * batches),
        `a read was answered while batches were still coming: ${JSON.stringify(seen)}`,
      );
      assert.equal(await count('piped'), size * batches);
    } finally {
      await store.close();
    }
  });
});
