import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, it } from 'node:test';
import Database from 'better-sqlite3';
import { parseLogQuery } from '../../query/log-query.ts';
import { DAY, log, logBatch as batch, T0 } from '../contract-fixtures.ts';
import { SqliteBackend } from './sqlite-backend.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-doc-ids-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('forgets a replaced record in the full-text index, so a line that reuses its id after a restart does not match its words', async () => {
  let store = new SqliteBackend(dir);
  await store.writeBatch('default', batch([log(T0, 'old secretword')]), T0, [
    { index: 'logs', id: 'r', op: 'index' },
  ]);
  await store.writeBatch('default', batch([log(T0 + 5, 'new text')]), T0, [
    { index: 'logs', id: 'r', op: 'index' },
  ]);
  await store.close();
  // After a restart the id allocator probes the table: the replaced row's id is free again.
  store = new SqliteBackend(dir);
  await store.writeBatch('default', batch([log(T0, 'plain line')]), T0);
  const page = await store.searchLogs('default', {
    query: parseLogQuery('secretword'),
    from: T0 - DAY,
    to: T0 + DAY,
    limit: 10,
    order: 'oldest',
  });
  assert.deepEqual(
    page.records.map((r) => r.message),
    [],
  );
  await store.close();
});

it('forgets the document ids of the days retention drops', async () => {
  const store = new SqliteBackend(path.join(dir, 'retention'));
  const key = { index: 'logs', id: 'old-day', op: 'create' } as const;
  await store.writeBatch('default', batch([log(T0 - 3 * DAY, 'three days ago')]), T0, [key]);
  const ids = new Database(path.join(dir, 'retention', 'birdseye.sqlite'), { readonly: true });
  const count = () => ids.prepare<[], { n: number }>('SELECT count(*) AS n FROM doc_ids').get()!.n;
  assert.equal(count(), 1);
  await store.dropBefore(T0 - DAY);
  assert.equal(count(), 0);
  ids.close();
  const again = await store.writeBatch('default', batch([log(T0, 'today')]), T0, [key]);
  assert.deepEqual(again.documents, [{ result: 'created', version: 1 }]);
  await store.close();
});
