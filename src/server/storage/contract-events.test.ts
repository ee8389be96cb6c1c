import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ClusterEvent } from '../../model/index.ts';
import { EVENT_FIELDS } from '../query/log-fields.ts';
import { MATCH_ALL, parseLogQuery } from '../query/log-query.ts';
import type { StorageBackend, StoredLog } from './backend.ts';
import { backendOpener, DAY, log, logBatch, T0 } from './contract-fixtures.ts';
import { STORAGE_BACKENDS } from './registry.ts';

const everything = { query: MATCH_ALL, from: 0, to: T0 + 10 * DAY, limit: 1000, order: 'oldest' as const };

async function all(b: StorageBackend, tenant = 'default'): Promise<StoredLog[]> {
  return (await b.searchLogs(tenant, everything)).records;
}

function event(ts: number, action: string, name: string, extra: Partial<ClusterEvent> = {}): ClusterEvent {
  return {
    ts,
    host: 'node-1',
    kind: 'container',
    action,
    actor: { name, image: 'nginx', id: `id-${name}` },
    ...extra,
  };
}

for (const [name, create] of Object.entries(STORAGE_BACKENDS)) {
  describe(`storage log contract (context, events, retention): ${name}`, () => {
    const { open, dispose } = backendOpener(name, create);
    after(dispose);

    it('gives the lines around a record from the same host, source and container', async () => {
      const { backend } = open();
      const web = { container: { name: 'web' } };
      await backend.writeBatch(
        'default',
        logBatch([
          log(T0 - DAY, 'yesterday web', web),
          log(T0, 'w1', web),
          log(T0 + 1, 'other container', { container: { name: 'db' } }),
          log(T0 + 2, 'other host', { ...web, host: 'node-2' }),
          log(T0 + 3, 'w2', web),
          log(T0 + 4, 'w3', web),
          log(T0 + 5, 'w4', web),
          log(T0 + DAY, 'tomorrow web', web),
        ]),
        T0,
      );
      const target = (await all(backend)).find((r) => r.message === 'w2')!;
      const ctx = await backend.logContext('default', target.id, 2, 3);
      assert.equal(ctx?.record.message, 'w2');
      assert.deepEqual(
        ctx?.before.map((r) => r.message),
        ['yesterday web', 'w1'].slice(-2),
      );
      assert.deepEqual(
        ctx?.after.map((r) => r.message),
        ['w3', 'w4', 'tomorrow web'],
      );
      const wide = await backend.logContext('default', target.id, 10, 0);
      assert.deepEqual(
        wide?.before.map((r) => r.message),
        ['yesterday web', 'w1'],
      );
      assert.deepEqual(wide?.after, []);
    });

    it('says an unknown id is unknown and a malformed one is invalid', async () => {
      const { backend } = open();
      await backend.writeBatch('default', logBatch([log(T0, 'x')]), T0);
      const [record] = await all(backend);
      await backend.close();
      const { backend: fresh } = open();
      assert.equal(await fresh.logContext('default', record!.id, 1, 1), undefined);
      await assert.rejects(fresh.logContext('default', '../etc', 1, 1), { code: 'BE_QUERY_INVALID' });
    });

    it('finds events by kind, action, host and actor name, newest first, with pages', async () => {
      const { backend } = open();
      const events = [
        event(T0, 'start', 'web'),
        event(T0 + 1, 'die', 'web', { attributes: { exitCode: '137' } }),
        event(T0 + 2, 'oom', 'db', { host: 'node-2' }),
        event(T0 + 3, 'pull', 'nginx', { kind: 'image' }),
      ];
      await backend.writeBatch('default', logBatch([], events), T0);
      const find = async (q: string, limit = 10, cursor?: string) =>
        backend.searchEvents('default', {
          query: parseLogQuery(q, EVENT_FIELDS),
          from: 0,
          to: T0 + DAY,
          limit,
          cursor,
        });
      const actions = async (q: string) => (await find(q)).records.map((e) => e.action);
      assert.deepEqual(await actions(''), ['pull', 'oom', 'die', 'start']);
      assert.deepEqual(await actions('kind:container'), ['oom', 'die', 'start']);
      assert.deepEqual(await actions('action:(die OR oom)'), ['oom', 'die']);
      assert.deepEqual(await actions('host:node-2'), ['oom']);
      assert.deepEqual(await actions('actor.name:web'), ['die', 'start']);
      assert.deepEqual(await actions('attributes.exitCode:137'), ['die']);
      assert.deepEqual(await actions('web AND die'), ['die']);
      const first = await find('', 3);
      assert.equal(first.records.length, 3);
      const rest = await find('', 3, first.next_cursor!);
      assert.deepEqual(
        rest.records.map((e) => e.action),
        ['start'],
      );
      assert.equal(rest.next_cursor, null);
      assert.equal(new Set([...first.records, ...rest.records].map((e) => e.id)).size, 4);
    });

    it('lists containers seen in logs and events with state and last seen', async () => {
      const { backend } = open();
      await backend.writeBatch(
        'default',
        logBatch(
          [log(T0 + 5, 'hello', { container: { name: 'web', image: 'nginx', id: 'id-web' } })],
          [event(T0, 'start', 'web')],
        ),
        T0,
      );
      await backend.writeBatch(
        'default',
        logBatch([], [event(T0 + 10, 'die', 'web'), event(T0 + 1, 'start', 'db')]),
        T0,
      );
      assert.deepEqual(await backend.containers('default'), [
        {
          host: 'node-1',
          name: 'db',
          id: 'id-db',
          image: 'nginx',
          first_seen: T0 + 1,
          last_seen: T0 + 1,
          state: 'running',
          last_action: 'start',
        },
        {
          host: 'node-1',
          name: 'web',
          id: 'id-web',
          image: 'nginx',
          first_seen: T0,
          last_seen: T0 + 10,
          state: 'exited',
          last_action: 'die',
        },
      ]);
    });

    it('drops whole days older than the cutoff and keeps the rest searchable', async () => {
      const { backend } = open();
      const day0 = Math.floor(T0 / DAY) * DAY;
      await backend.writeBatch(
        'default',
        logBatch(
          [log(day0 - 2 * DAY + 5, 'old'), log(day0 - 1, 'late yesterday'), log(day0, 'today')],
          [event(day0 - 2 * DAY, 'start', 'web')],
        ),
        T0,
      );
      assert.deepEqual(await backend.dropBefore(day0 - 1), { days_dropped: 1 });
      assert.deepEqual(
        (await all(backend)).map((r) => r.message),
        ['late yesterday', 'today'],
      );
      assert.deepEqual(await backend.dropBefore(day0 + 1000), { days_dropped: 1 });
      assert.deepEqual(
        (await all(backend)).map((r) => r.message),
        ['today'],
      );
      const stats = await backend.stats('default');
      assert.deepEqual([stats.logs, stats.events], [1, 0]);
    });

    it('tells listeners about committed logs once, with their search ids, and not about duplicates', async () => {
      const { backend } = open();
      const heard: Array<[string, string[]]> = [];
      const stop = backend.onLogs((tenant, records) => heard.push([tenant, records.map((r) => r.id)]));
      const batch = logBatch([log(T0, 'one'), log(T0, 'two')]);
      await backend.writeBatch('acme', batch, T0);
      await backend.writeBatch('acme', batch, T0);
      stop();
      await backend.writeBatch('acme', logBatch([log(T0, 'three')]), T0);
      const ids = (await all(backend, 'acme')).map((r) => r.id);
      assert.deepEqual(heard, [['acme', ids.slice(0, 2)]]);
    });

    if (name !== 'memory') {
      it('keeps ids, order and search across a reopen, and allocates new ids without collisions', async () => {
        const { backend, dir } = open();
        await backend.writeBatch('default', logBatch([log(T0, 'a'), log(T0, 'b')]), T0);
        const before = await all(backend);
        await backend.close();
        const { backend: again } = open(dir);
        await again.writeBatch('default', logBatch([log(T0, 'c')]), T0);
        const after = await all(again);
        assert.deepEqual(after.slice(0, 2), before);
        assert.deepEqual(
          after.map((r) => r.message),
          ['a', 'b', 'c'],
        );
        assert.equal(
          (await again.searchLogs('default', { ...everything, query: parseLogQuery('c') })).records.length,
          1,
        );
      });
    }
  });
}
