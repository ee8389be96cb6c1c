import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { LogRecord } from '../../../model/index.ts';
import { parseLogQuery } from '../../query/log-query.ts';
import { DAY, log, logBatch as batch, T0 } from '../contract-fixtures.ts';
import { ftsValues } from './log-writer.ts';
import { INDEX_FILE } from './open-database.ts';
import { slotOf } from './partitions.ts';
import { ID_SLOT, severityCode } from './schema.ts';
import { SqliteBackend } from './sqlite-backend.ts';
import { RECORD_COLUMNS, rowRecord, type StoredRow } from './stored-row.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'birdseye-fts-recovery-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const newDir = () => path.join(root, String(++dirs));
const day = Math.floor(T0 / DAY);

async function messages(store: SqliteBackend, q: string): Promise<string[]> {
  const page = await store.searchLogs('default', {
    query: parseLogQuery(q),
    from: T0 - 2 * DAY,
    to: T0 + 2 * DAY,
    limit: 100,
    order: 'oldest',
  });
  return page.records.map((r) => r.message);
}

/** The id the store gives the first line of a microsecond on a day it made (severity in its low bits). */
function idOf(record: LogRecord): number {
  return slotOf(record.ts, day) * ID_SLOT + severityCode(record.severity);
}

/** Commits rows the way a batch's first commit does, leaving the index file as it was. */
function commitRowsOnly(dir: string, rows: Array<{ id: number; record: LogRecord }>, remove?: number): void {
  const db = new Database(path.join(dir, 'birdseye.sqlite'));
  const ops: unknown[] = [];
  db.transaction(() => {
    if (remove !== undefined) {
      const old = db
        .prepare<[number], StoredRow>(`SELECT ${RECORD_COLUMNS} FROM logs_d${day} AS l WHERE l.id = ?`)
        .get(remove)!;
      ops.push([day, remove, ftsValues(rowRecord(old), 'default', 'tagged')]);
      db.prepare(`DELETE FROM logs_d${day} WHERE id = ?`).run(remove);
    }
    for (const { id, record } of rows) {
      const { message, ...rest } = record;
      db.prepare(
        `INSERT INTO logs_d${day} (id, tenant, ts, host, source, message, rest) VALUES (?, 'default', ?, ?, ?, ?, ?)`,
      ).run(id, record.ts, record.host, record.source, message, JSON.stringify(rest));
    }
    ops.push([day, rows.map((r) => r.id)]);
    db.prepare('INSERT INTO fts_backlog (ops) VALUES (?)').run(JSON.stringify(ops));
  })();
  db.close();
}

describe('sqlite full-text index recovery', () => {
  it('indexes on open a batch whose rows were committed and its index entries not (kill -9 between the two)', async () => {
    const dir = newDir();
    let store = new SqliteBackend(dir);
    await store.writeBatch('default', batch([log(T0, 'indexed before')]), T0);
    await store.close();
    const record = log(T0 + 10, 'committed unindexed');
    commitRowsOnly(dir, [{ id: idOf(record), record }]);
    store = new SqliteBackend(dir);
    assert.deepEqual(await messages(store, 'unindexed'), ['committed unindexed']);
    assert.deepEqual(await messages(store, 'before OR committed'), ['indexed before', 'committed unindexed']);
    await store.close();
  });

  it('replays removals as well: a replaced line stops matching its old words', async () => {
    const dir = newDir();
    let store = new SqliteBackend(dir);
    await store.writeBatch('default', batch([log(T0, 'original wording')]), T0);
    const id = idOf(log(T0, 'original wording'));
    await store.close();
    const record = log(T0 + 5, 'replacement text');
    commitRowsOnly(dir, [{ id: idOf(record), record }], id);
    store = new SqliteBackend(dir);
    assert.deepEqual(await messages(store, 'original'), []);
    assert.deepEqual(await messages(store, 'replacement'), ['replacement text']);
    // The id is free again: a new line on it matches only its own words.
    await store.writeBatch('default', batch([log(T0, 'fresh words')]), T0);
    assert.deepEqual(await messages(store, 'original OR wording'), []);
    assert.deepEqual(await messages(store, 'fresh'), ['fresh words']);
    await store.close();
  });

  it('indexes on this thread every batch the index worker had in hand when it ended, once each', async () => {
    const dir = newDir();
    let store = new SqliteBackend(dir);
    await store.writeBatch('default', batch([log(T0, 'crash first')]), T0);
    const second = store.writeBatch('default', batch([log(T0 + 1, 'crash second')]), T0);
    // The second batch's rows are committed and its index entries with the worker: it ends.
    const { fts } = store as unknown as { fts: { worker?: Worker } };
    assert.ok(fts.worker, 'the index worker is running');
    void fts.worker.terminate();
    const third = store.writeBatch('default', batch([log(T0 + 2, 'crash third')]), T0);
    await Promise.all([second, third]);
    assert.deepEqual(await messages(store, 'crash'), ['crash first', 'crash second', 'crash third']);
    // A new worker takes the next batch.
    await store.writeBatch('default', batch([log(T0 + 3, 'crash fourth')]), T0);
    await store.close();
    store = new SqliteBackend(dir);
    assert.deepEqual(await messages(store, 'crash'), [
      'crash first',
      'crash second',
      'crash third',
      'crash fourth',
    ]);
    const counts = await store.logHistogram('default', {
      query: parseLogQuery('crash'),
      from: T0,
      to: T0 + 60_000,
      interval_ms: 60_000,
    });
    assert.deepEqual(counts, [{ ts: T0, severity: null, count: 4 }]);
    await store.close();
  });

  it('rebuilds the index from the rows when its file is gone', async () => {
    const dir = newDir();
    let store = new SqliteBackend(dir);
    await store.writeBatch('default', batch([log(T0, 'alpha one'), log(T0 - DAY, 'alpha two')]), T0);
    await store.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(path.join(dir, INDEX_FILE + suffix), { force: true });
    store = new SqliteBackend(dir);
    assert.deepEqual(await messages(store, 'alpha'), ['alpha two', 'alpha one']);
    await store.close();
  });

  it('forgets index entries of a batch the main file lost (an OS crash), so a new line on the same id does not match them', async () => {
    const dir = newDir();
    let store = new SqliteBackend(dir);
    await store.writeBatch('default', batch([log(T0, 'kept line')]), T0);
    await store.close();
    const saved = path.join(dir, 'saved.sqlite');
    assert.ok(!existsSync(path.join(dir, 'birdseye.sqlite-wal')), 'closed cleanly: one file');
    copyFileSync(path.join(dir, 'birdseye.sqlite'), saved);
    store = new SqliteBackend(dir);
    await store.writeBatch('default', batch([log(T0 + 1, 'vanished line')]), T0);
    await store.close();
    // The main file goes back to before that batch; the index file keeps it.
    copyFileSync(saved, path.join(dir, 'birdseye.sqlite'));
    store = new SqliteBackend(dir);
    assert.deepEqual(await messages(store, 'vanished'), []);
    await store.writeBatch('default', batch([log(T0 + 1, 'another line')]), T0);
    assert.deepEqual(await messages(store, 'vanished'), []);
    assert.deepEqual(await messages(store, 'line'), ['kept line', 'another line']);
    await store.close();
  });

  it('keeps the index of a day made before schema 4 in the main file, and indexes new days in the index file', async () => {
    const dir = newDir();
    let store = new SqliteBackend(dir);
    await store.close();
    // Turn the new store into what schema 3 made: the day's full-text table in the main file.
    const db = new Database(path.join(dir, 'birdseye.sqlite'));
    db.exec(`CREATE TABLE logs_d${day} (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, ts REAL NOT NULL,
      host TEXT NOT NULL, source TEXT NOT NULL, service TEXT, severity INTEGER, container_name TEXT,
      container_image TEXT, container_id TEXT, format TEXT, message TEXT NOT NULL, rest TEXT NOT NULL, pattern TEXT);
      CREATE VIRTUAL TABLE logs_fts_d${day} USING fts5(message, host, source, service, container, format,
      fields, content='', columnsize=0, tokenize='unicode61 remove_diacritics 2');
      CREATE TABLE events_d${day} (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, ts REAL NOT NULL, record TEXT NOT NULL);
      PRAGMA user_version = 3;`);
    const record = log(T0, 'written by schema three');
    const id = slotOf(T0, day) * ID_SLOT;
    const { message, ...rest } = record;
    db.prepare(
      `INSERT INTO logs_d${day} (id, tenant, ts, host, source, message, rest) VALUES (?, 'default', ?, ?, ?, ?, ?)`,
    ).run(id, T0, record.host, record.source, message, JSON.stringify(rest));
    db.prepare(
      `INSERT INTO logs_fts_d${day} (rowid, message, host, source, service, container, format, fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(id, ...ftsValues(record, 'default', 'plain'));
    db.close();
    store = new SqliteBackend(dir);
    await store.writeBatch(
      'default',
      batch([log(T0 + 1, 'schema four line, same day'), log(T0 + DAY, 'schema four line, next day')]),
      T0,
    );
    assert.deepEqual(await messages(store, 'schema'), [
      'written by schema three',
      'schema four line, same day',
      'schema four line, next day',
    ]);
    await store.close();
    const check = new Database(path.join(dir, 'birdseye.sqlite'), { readonly: true });
    check.prepare('ATTACH DATABASE ? AS fts').run(path.join(dir, INDEX_FILE));
    const tables = (schema: string) =>
      check
        .prepare<[], { name: string }>(
          `SELECT name FROM ${schema}.sqlite_master WHERE name GLOB 'logs_fts_d*'`,
        )
        .all()
        .map((r) => r.name)
        .filter((n) => /^logs_fts_d\d+$/.test(n));
    assert.deepEqual(tables('main'), [`logs_fts_d${day}`]);
    assert.deepEqual(tables('fts'), [`logs_fts_d${day + 1}`]);
    check.close();
  });
});
