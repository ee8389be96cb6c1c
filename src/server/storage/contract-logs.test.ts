import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ClusterEvent, LogRecord } from '../../model/index.ts';
import { parseLogQuery } from '../query/log-query.ts';
import type { LogSearch, StorageBackend, StoredLog } from './backend.ts';
import { backendOpener, DAY, log, logBatch as batch, T0 } from './contract-fixtures.ts';
import { STORAGE_BACKENDS } from './registry.ts';

const CORPUS: LogRecord[] = [
  log(T0 + 1, 'GET /api/users 200 in 12ms', {
    severity: 6,
    service: 'api',
    fields: { status: 200, method: 'GET' },
  }),
  log(T0 + 2, 'connection refused by upstream', { severity: 3, service: 'api', fields: { status: 502 } }),
  log(T0 + 3, 'Connection reset by peer', { severity: 4, host: 'node-2', service: 'web' }),
  log(T0 + 4, 'error: disk quota exceeded', { severity: 2, source: 'journald', service: 'kubelet' }),
  log(T0 + 5, 'Errno 111 while retrying', {
    severity: 3,
    container: { name: 'web-1', image: 'nginx:1.27', id: 'abc123' },
    fields: { 'http.status': '503', nested: { code: 'E42' } },
  }),
  log(T0 + 6, 'user login ok', { format: 'logfmt', fields: { user: 'ann', ok: true } }),
  log(T0 + 7, 'Crème brûlée served', { severity: 7, host: 'web-12' }),
];

/** Query → the messages (by corpus index) it must find, whatever the backend. */
const SEARCHES: Array<[string, number[]]> = [
  ['', [0, 1, 2, 3, 4, 5, 6]],
  ['connection', [1, 2]],
  ['CONNECTION refused', [1]],
  ['"refused by upstream"', [1]],
  ['"by upstream refused"', []],
  ['err*', [3, 4]],
  ['conn* AND NOT reset', [1]],
  ['connection -reset', [1]],
  ['connection OR quota', [1, 2, 3]],
  ['(connection OR quota) AND severity:<=2', [3]],
  ['severity:<=3', [1, 3, 4]],
  ['severity:err', [1, 4]],
  ['severity:[4 TO 6]', [0, 2]],
  ['severity:{3 TO 7}', [0, 2]],
  ['NOT severity:*', [5]],
  ['host:node-2', [2]],
  ['host:web*', [6]],
  ['host:web-*', [6]],
  ['host:web-1*', [6]],
  ['host:web-2*', []],
  ['host:node', []],
  ['service:(api OR web)', [0, 1, 2]],
  ['source:journald', [3]],
  ['container.name:web-1', [4]],
  ['container.image:"nginx:1.27"', [4]],
  ['container.id:abc*', [4]],
  ['format:logfmt', [5]],
  ['message:peer', [2]],
  ['fields.status:502', [1]],
  ['fields.status:[500 TO 599]', [1]],
  ['fields.status:>=200', [0, 1]],
  ['fields.http.status:503', [4]],
  ['fields.nested.code:E42', [4]],
  ['fields.ok:true', [5]],
  ['fields.user:*', [5]],
  ['fields.method:G*', [0]],
  ['creme', [6]],
  ['brulee served', [6]],
  ['200 AND 12ms', [0]],
  ['"GET /api/users"', [0]],
  ['NOT connection AND NOT error AND NOT errno', [0, 5, 6]],
  ['-severity:[0 TO 5] AND severity:*', [0, 6]],
  ['nothinglikethis', []],
];

for (const [name, create] of Object.entries(STORAGE_BACKENDS)) {
  describe(`storage log contract: ${name}`, () => {
    const { open, dispose } = backendOpener(name, create);
    after(dispose);
    const search = (b: StorageBackend, q: string, extra: Partial<LogSearch> = {}) =>
      b.searchLogs('default', {
        query: parseLogQuery(q),
        from: T0 - DAY,
        to: T0 + DAY,
        limit: 100,
        order: 'oldest',
        ...extra,
      });

    const { backend: corpus } = open();
    const stored = corpus.writeBatch('default', batch(CORPUS), T0);

    for (const [q, expected] of SEARCHES) {
      it(`finds ${JSON.stringify(q)}`, async () => {
        await stored;
        const page = await search(corpus, q);
        assert.deepEqual(
          page.records.map((r) => r.message),
          expected.map((i) => CORPUS[i]!.message),
        );
      });
    }

    it('returns records whole, with an id, newest first by default order', async () => {
      await stored;
      const page = await search(corpus, 'errno', { order: 'newest' });
      const { id, ...record } = page.records[0]!;
      assert.equal(typeof id, 'string');
      assert.deepEqual(record, CORPUS[4]);
      const newest = await search(corpus, '', { order: 'newest' });
      assert.deepEqual(
        newest.records.map((r) => r.ts),
        CORPUS.map((r) => r.ts).reverse(),
      );
    });

    it('returns each key of a record as it was stored, and no key it lacked', async () => {
      const { backend } = open();
      const records: LogRecord[] = [
        log(T0 + 0.001, 'every key', {
          received_ts: T0 + 5,
          service: 'api',
          severity: 0,
          container: { name: 'web-1' },
          fields: { status: 500, tags: ['a'], none: null },
          format: 'json',
          parse_error: true,
          truncated: true,
          pattern: 'p-1',
        }),
        log(T0 + 1, 'only what is required'),
        log(T0 + 2, 'container id only', { container: { id: 'abc' }, parse_error: false }),
      ];
      await backend.writeBatch('default', batch(records), T0);
      const page = await backend.searchLogs('default', {
        query: parseLogQuery(''),
        from: T0,
        to: T0 + 10,
        limit: 10,
        order: 'oldest',
      });
      assert.deepEqual(
        page.records.map(({ id: _, ...r }) => r),
        records,
      );
      assert.deepEqual(
        page.records.map((r) => Object.keys(r).sort()),
        records.map((r) => [...Object.keys(r), 'id'].sort()),
      );
    });

    it('pages through every record exactly once, across days and equal timestamps', async () => {
      const { backend } = open();
      const logs: LogRecord[] = [];
      for (let i = 0; i < 57; i++) logs.push(log(T0 - DAY + Math.floor(i / 5) * (DAY / 9), `line ${i}`));
      // Two batches, so ids of equal timestamps are allocated across commits too.
      await backend.writeBatch('default', batch(logs.slice(0, 30)), T0);
      await backend.writeBatch('default', batch(logs.slice(30)), T0);
      for (const order of ['newest', 'oldest'] as const) {
        const seen: StoredLog[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages < 20; pages++) {
          const page = await search(backend, 'line', { order, limit: 7, cursor, from: T0 - 2 * DAY });
          seen.push(...page.records);
          if (page.next_cursor === null) break;
          cursor = page.next_cursor;
        }
        assert.equal(seen.length, 57, order);
        assert.equal(new Set(seen.map((r) => r.id)).size, 57);
        const ts = seen.map((r) => r.ts);
        const sorted = [...ts].sort((a, b) => (order === 'newest' ? b - a : a - b));
        assert.deepEqual(ts, sorted);
        // Equal timestamps keep arrival order (oldest) or its reverse (newest).
        const first = seen.filter((r) => r.ts === T0 - DAY).map((r) => r.message);
        assert.deepEqual(
          first,
          order === 'oldest'
            ? ['line 0', 'line 1', 'line 2', 'line 3', 'line 4']
            : ['line 4', 'line 3', 'line 2', 'line 1', 'line 0'],
        );
      }
    });

    it('limits results to the time range, both ends inclusive', async () => {
      await stored;
      const page = await search(corpus, '', { from: T0 + 2, to: T0 + 4 });
      assert.deepEqual(
        page.records.map((r) => r.ts),
        [T0 + 2, T0 + 3, T0 + 4],
      );
    });

    it('rejects a cursor it did not make', async () => {
      await assert.rejects(search(corpus, '', { cursor: 'bm9wZQ' }), { code: 'BE_QUERY_INVALID' });
    });

    it('counts records per interval and severity', async () => {
      const { backend } = open();
      await backend.writeBatch(
        'default',
        batch([
          log(T0, 'a', { severity: 3 }),
          log(T0 + 10, 'b', { severity: 3 }),
          log(T0 + 20, 'c', { severity: 6 }),
          log(T0 + 60_000, 'd'),
          log(T0 + 60_001, 'x', { severity: 3 }),
        ]),
        T0,
      );
      const counts = await backend.logHistogram('default', {
        query: parseLogQuery('NOT x'),
        from: T0,
        to: T0 + 120_000,
        interval_ms: 60_000,
      });
      assert.deepEqual(counts, [
        { ts: T0, severity: 3, count: 2 },
        { ts: T0, severity: 6, count: 1 },
        { ts: T0 + 60_000, severity: null, count: 1 },
      ]);
    });

    it('counts a line on a minute boundary once, whatever minute the range starts on', async () => {
      const { backend } = open();
      await backend.writeBatch(
        'default',
        batch([log(T0, 'a'), log(T0 + 59_999.999, 'b'), log(T0 + 60_000, 'c'), log(T0 + 120_000, 'd')]),
        T0,
      );
      const count = async (from: number, to: number) =>
        (
          await backend.logHistogram('default', { query: parseLogQuery(''), from, to, interval_ms: 60_000 })
        ).map((c) => [c.ts - T0, c.count]);
      assert.deepEqual(await count(T0, T0 + 120_000), [
        [0, 2],
        [60_000, 1],
        [120_000, 1],
      ]);
      assert.deepEqual(await count(T0 - 30_000, T0 + 60_000), [
        [0, 2],
        [60_000, 1],
      ]);
      assert.deepEqual(await count(T0 + 1, T0 + 60_000), [
        [0, 1],
        [60_000, 1],
      ]);
    });

    it('searches a day that so far holds events and no log line, then its first line', async () => {
      const { backend } = open();
      const ts = T0 + 3 * DAY;
      const range = { from: ts - 60_000, to: ts + 60_000 };
      const event: ClusterEvent = {
        ts,
        host: 'node-1',
        kind: 'container',
        action: 'die',
        actor: { name: 'db' },
      };
      await backend.writeBatch('default', batch([], [event]), ts);
      for (const q of ['', 'host:"node-1"', 'refused', 'NOT refused']) {
        const page = await backend.searchLogs('default', {
          query: parseLogQuery(q),
          ...range,
          limit: 10,
          order: 'newest',
        });
        assert.deepEqual(page.records, [], q);
        const counts = await backend.logHistogram('default', {
          query: parseLogQuery(q),
          ...range,
          interval_ms: 60_000,
        });
        assert.deepEqual(counts, [], q);
      }
      await backend.writeBatch('default', batch([log(ts, 'connection refused', { host: 'node-1' })]), ts);
      const page = await backend.searchLogs('default', {
        query: parseLogQuery('host:"node-1" AND refused'),
        ...range,
        limit: 10,
        order: 'newest',
      });
      assert.deepEqual(
        page.records.map((r) => r.message),
        ['connection refused'],
      );
    });

    it('keeps tenants apart in search, histogram, context, events and containers', async () => {
      const { backend } = open();
      const event: ClusterEvent = {
        ts: T0,
        host: 'node-1',
        kind: 'container',
        action: 'start',
        actor: { name: 'db' },
      };
      await backend.writeBatch(
        'acme',
        batch([log(T0, 'secret acme line', { container: { name: 'db' } })], [event]),
        T0,
      );
      const page = await backend.searchLogs('other', {
        query: parseLogQuery('secret'),
        from: 0,
        to: T0 + DAY,
        limit: 10,
        order: 'newest',
      });
      assert.deepEqual(page.records, []);
      const mine = await backend.searchLogs('acme', {
        query: parseLogQuery('secret'),
        from: 0,
        to: T0 + DAY,
        limit: 10,
        order: 'newest',
      });
      assert.equal(mine.records.length, 1);
      assert.equal(await backend.logContext('other', mine.records[0]!.id, 5, 5), undefined);
      const q = { query: parseLogQuery(''), from: 0, to: T0 + DAY, interval_ms: 60_000 };
      assert.deepEqual(await backend.logHistogram('other', q), []);
      assert.deepEqual((await backend.searchEvents('other', { ...q, limit: 10 })).records, []);
      assert.deepEqual(await backend.containers('other'), []);
      assert.equal((await backend.stats('other')).logs, 0);
      assert.equal((await backend.stats('acme')).logs, 1);
    });
  });
}
