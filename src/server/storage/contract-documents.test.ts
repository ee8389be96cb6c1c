import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { parseLogQuery } from '../query/log-query.ts';
import type { LogDocumentId, StorageBackend } from './backend.ts';
import { backendOpener, DAY, log, logBatch as batch, T0 } from './contract-fixtures.ts';
import { STORAGE_BACKENDS } from './registry.ts';

const doc = (id: string, op: LogDocumentId['op'], index = 'logs'): LogDocumentId => ({ index, id, op });

async function messages(b: StorageBackend, q: string, tenant = 'default'): Promise<string[]> {
  const page = await b.searchLogs(tenant, {
    query: parseLogQuery(q),
    from: T0 - DAY,
    to: T0 + DAY,
    limit: 100,
    order: 'oldest',
  });
  return page.records.map((r) => r.message);
}

async function histogramTotal(b: StorageBackend): Promise<number> {
  const counts = await b.logHistogram('default', {
    query: parseLogQuery(''),
    from: T0 - DAY,
    to: T0 + DAY,
    interval_ms: 3_600_000,
  });
  return counts.reduce((sum, c) => sum + c.count, 0);
}

for (const [name, create] of Object.entries(STORAGE_BACKENDS)) {
  describe(`storage document id contract: ${name}`, () => {
    const { open, dispose } = backendOpener(name, create);
    after(dispose);

    it('stores a create once: the same id again is a conflict and stores nothing', async () => {
      const { backend } = open();
      const first = await backend.writeBatch('default', batch([log(T0, 'alpha one')]), T0, [
        doc('a1', 'create'),
      ]);
      assert.deepEqual(first.documents, [{ result: 'created', version: 1 }]);
      const again = await backend.writeBatch(
        'default',
        batch([log(T0, 'alpha one'), log(T0 + 1, 'beta two')]),
        T0,
        [doc('a1', 'create'), undefined],
      );
      assert.deepEqual(again.documents, [{ result: 'conflict', version: 1 }, undefined]);
      assert.deepEqual(await messages(backend, ''), ['alpha one', 'beta two']);
      assert.equal(await histogramTotal(backend), 2);
    });

    it('replaces the record of an id on index: found by its new words only, counted once', async () => {
      const { backend } = open();
      await backend.writeBatch('default', batch([log(T0, 'gamma old words', { severity: 3 })]), T0, [
        doc('g', 'index'),
      ]);
      const second = await backend.writeBatch(
        'default',
        batch([log(T0 + 5, 'gamma new text', { severity: 6 })]),
        T0,
        [doc('g', 'index')],
      );
      assert.deepEqual(second.documents, [{ result: 'updated', version: 2 }]);
      assert.deepEqual(await messages(backend, ''), ['gamma new text']);
      assert.deepEqual(await messages(backend, 'old'), []);
      assert.deepEqual(await messages(backend, 'gamma'), ['gamma new text']);
      assert.deepEqual(await messages(backend, 'severity:3'), []);
      assert.equal(await histogramTotal(backend), 1);
      // A record written later at the same time does not inherit the replaced one's words.
      await backend.writeBatch('default', batch([log(T0, 'delta plain')]), T0);
      assert.deepEqual(await messages(backend, 'words'), []);
    });

    it('keeps ids apart per index and per tenant, and within one batch in order', async () => {
      const { backend } = open();
      await backend.writeBatch('default', batch([log(T0, 'in logs')]), T0, [doc('x', 'create')]);
      const other = await backend.writeBatch('default', batch([log(T0, 'in audit')]), T0, [
        doc('x', 'create', 'audit'),
      ]);
      assert.deepEqual(other.documents, [{ result: 'created', version: 1 }]);
      const tenantB = await backend.writeBatch('b', batch([log(T0, 'tenant b')]), T0, [doc('x', 'create')]);
      assert.deepEqual(tenantB.documents, [{ result: 'created', version: 1 }]);
      const twice = await backend.writeBatch(
        'default',
        batch([log(T0 + 1, 'y first'), log(T0 + 2, 'y second'), log(T0 + 3, 'y third')]),
        T0,
        [doc('y', 'index'), doc('y', 'index'), doc('y', 'create')],
      );
      assert.deepEqual(twice.documents, [
        { result: 'created', version: 1 },
        { result: 'updated', version: 2 },
        { result: 'conflict', version: 2 },
      ]);
      assert.deepEqual(await messages(backend, ''), ['in logs', 'in audit', 'y second']);
      assert.deepEqual(await messages(backend, '', 'b'), ['tenant b']);
    });
  });
}
