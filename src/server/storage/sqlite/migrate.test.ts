import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { parseLogQuery } from '../../query/log-query.ts';
import { EVENT_FIELDS } from '../../query/log-fields.ts';
import { slotOf } from './partitions.ts';
import type { IngestBatch, LogRecord } from '../../../model/index.ts';
import { ftsValues } from './log-writer.ts';
import { ftsSchema, ID_SLOT, patternIndexSql, SCHEMA_VERSION } from './schema.ts';
import { RECORD_COLUMNS, rowRecord, type StoredRow } from './stored-row.ts';
import { SqliteBackend } from './sqlite-backend.ts';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

/** The flat log and event tables of schema 1, as the walking skeleton wrote them. */
function writeV1(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const db = new Database(path.join(dir, 'birdseye.sqlite'));
  db.exec(`
    CREATE TABLE logs (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, ts REAL NOT NULL, host TEXT NOT NULL,
      source TEXT NOT NULL, severity INTEGER, message TEXT NOT NULL, record TEXT NOT NULL);
    CREATE TABLE events (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, ts REAL NOT NULL, host TEXT NOT NULL,
      kind TEXT NOT NULL, action TEXT NOT NULL, record TEXT NOT NULL);
    PRAGMA user_version = 1;`);
  const log = { ts: T0, host: 'node-1', source: 'journald', message: 'kept across the upgrade', severity: 6 };
  db.prepare(
    'INSERT INTO logs (tenant, ts, host, source, severity, message, record) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run('default', T0, 'node-1', 'journald', 6, log.message, JSON.stringify(log));
  const event = { ts: T0, host: 'node-1', kind: 'container', action: 'oom', actor: { name: 'web' } };
  db.prepare('INSERT INTO events (tenant, ts, host, kind, action, record) VALUES (?, ?, ?, ?, ?, ?)').run(
    'default',
    T0,
    'node-1',
    'container',
    'oom',
    JSON.stringify(event),
  );
  db.close();
}

/** A schema 2 day partition (logs without the pattern column, full-text table in the main file), one line. */
function writeV2(dir: string): void {
  const day = Math.floor(T0 / 86_400_000);
  const db = new Database(path.join(dir, 'birdseye.sqlite'));
  // A schema 2 partition: the logs table as it was, without the pattern column.
  db.exec(`CREATE TABLE logs_d${day} (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, ts REAL NOT NULL,
    host TEXT NOT NULL, source TEXT NOT NULL, service TEXT, severity INTEGER, container_name TEXT,
    container_image TEXT, container_id TEXT, format TEXT, message TEXT NOT NULL, rest TEXT NOT NULL);
    CREATE VIRTUAL TABLE logs_fts_d${day} USING fts5(message, host, source, service, container, format,
    fields, content='', columnsize=0, tokenize='unicode61 remove_diacritics 2');
    CREATE TABLE events_d${day} (id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, ts REAL NOT NULL, record TEXT NOT NULL);
    PRAGMA user_version = 2;`);
  db.prepare(
    `INSERT INTO logs_d${day} (id, tenant, ts, host, source, message, rest) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    slotOf(T0, day) * ID_SLOT,
    'default',
    T0,
    'node-1',
    'docker',
    'written by schema 2',
    JSON.stringify({ ts: T0, host: 'node-1', source: 'docker' }),
  );
  db.close();
}

function logsBatch(seq: number, logs: LogRecord[]): IngestBatch {
  return {
    batch_id: `a:${seq}`,
    agent_id: 'a',
    seq,
    host: 'node-1',
    sent_ts: T0,
    metrics: [],
    events: [],
    logs,
  };
}

/**
 * A store as schema `version` (4 or 6) left it, made by writing with this version and then
 * rewriting what later schemas changed. Both: the day has the (tenant, pattern) index and is not
 * in day_pattern_tokens; its full-text table has no pattern ids. 4: the table holds its keyword
 * columns untagged and no tenant, and the day is not in day_layouts.
 */
async function writeOld(dir: string, version: 4 | 6, logs: LogRecord[]): Promise<void> {
  const store = new SqliteBackend(dir);
  await store.writeBatch('default', logsBatch(1, logs), T0);
  await store.close();
  const day = Math.floor(T0 / 86_400_000);
  const db = new Database(path.join(dir, 'birdseye.sqlite'));
  db.prepare('ATTACH DATABASE ? AS fts').run(path.join(dir, 'birdseye-fts.sqlite'));
  db.exec(
    `${version === 4 ? 'DELETE FROM day_layouts;' : ''} DELETE FROM day_pattern_tokens; ${patternIndexSql(day)}
     DROP TABLE fts.logs_fts_d${day}; ${ftsSchema('fts', day)} PRAGMA user_version = ${version};`,
  );
  const insert = db.prepare(
    `INSERT INTO fts.logs_fts_d${day} (rowid, message, host, source, service, container, format, fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const rows = db.prepare<[], StoredRow & { id: number; tenant: string }>(
    `SELECT l.id, l.tenant, ${RECORD_COLUMNS} FROM logs_d${day} AS l`,
  );
  const layout = version === 4 ? 'plain' : 'tagged';
  for (const row of rows.all()) insert.run(row.id, ...ftsValues(rowRecord(row), row.tenant, layout));
  db.close();
}

/** The messages of the lines stamped T0 - 1 ms to `to` that match `q`, oldest first (10 at most). */
async function messages(backend: SqliteBackend, q: string, to: number): Promise<string[]> {
  const found = await backend.searchLogs('default', {
    query: parseLogQuery(q),
    from: T0 - 1,
    to,
    limit: 10,
    order: 'oldest',
  });
  return found.records.map((r) => r.message);
}

/** The lines stamped T0 to T0 + 10 ms that match `q`, oldest first. */
function nearT0(backend: SqliteBackend, q: string) {
  return backend.searchLogs('default', {
    query: parseLogQuery(q),
    from: T0 - 1,
    to: T0 + 10,
    limit: 10,
    order: 'oldest',
  });
}

describe('sqlite schema migration', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-migrate-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('moves schema 1 logs and events into day partitions, searchable, and bumps the version', async () => {
    writeV1(dir);
    const backend = new SqliteBackend(dir);
    try {
      const range = { from: T0 - 1, to: T0 + 1, limit: 10 };
      const logs = await backend.searchLogs('default', {
        ...range,
        query: parseLogQuery('upgrade'),
        order: 'newest',
      });
      assert.deepEqual(
        logs.records.map((r) => r.message),
        ['kept across the upgrade'],
      );
      const events = await backend.searchEvents('default', {
        ...range,
        query: parseLogQuery('action:oom', EVENT_FIELDS),
      });
      assert.equal(events.records.length, 1);
    } finally {
      await backend.close();
    }
    const db = new Database(path.join(dir, 'birdseye.sqlite'), { readonly: true });
    assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    db.close();
  });

  it('adds the pattern column to schema 2 day partitions: old rows stay, new rows are queryable by pattern', async () => {
    const dir2 = mkdtempSync(path.join(os.tmpdir(), 'birdseye-migrate-v2-'));
    try {
      writeV2(dir2);
      const backend = new SqliteBackend(dir2);
      try {
        await backend.writeBatch(
          'default',
          logsBatch(1, [{ ts: T0 + 1, host: 'node-1', source: 'docker', message: 'mined', pattern: 'p1' }]),
          T0,
        );
        assert.deepEqual(
          (await nearT0(backend, '')).records.map((r) => r.message),
          ['written by schema 2', 'mined'],
        );
        assert.deepEqual(
          (await nearT0(backend, 'pattern:p1')).records.map((r) => r.message),
          ['mined'],
        );
      } finally {
        await backend.close();
      }
    } finally {
      rmSync(dir2, { recursive: true, force: true });
    }
  });

  it('replaces a document on a day whose full-text table is in the main file (made before schema 4)', async () => {
    const dir2 = mkdtempSync(path.join(os.tmpdir(), 'birdseye-migrate-v2-docs-'));
    try {
      writeV2(dir2);
      const write = (backend: SqliteBackend, seq: number, ts: number, message: string, id?: string) =>
        backend.writeBatch(
          'default',
          logsBatch(seq, [{ ts, host: 'node-1', source: 'docker', message }]),
          T0,
          id ? [{ index: 'logs', id, op: 'index' }] : undefined,
        );
      let backend = new SqliteBackend(dir2);
      await write(backend, 1, T0 + 1, 'first oldword', 'r');
      await write(backend, 2, T0 + 2, 'second newword', 'r');
      await backend.close();
      // After a restart the id allocator probes the table: the replaced row's id is free again.
      backend = new SqliteBackend(dir2);
      try {
        await write(backend, 3, T0 + 1, 'plain line');
        assert.deepEqual((await nearT0(backend, 'oldword')).records, []);
        assert.deepEqual(
          (await nearT0(backend, 'newword')).records.map((r) => r.message),
          ['second newword'],
        );
        assert.deepEqual(
          (await nearT0(backend, '')).records.map((r) => r.message),
          ['written by schema 2', 'plain line', 'second newword'],
        );
      } finally {
        await backend.close();
      }
    } finally {
      rmSync(dir2, { recursive: true, force: true });
    }
  });

  it('reads and writes a schema 4 day as it is, beside the new layout of later days', async () => {
    const dir4 = mkdtempSync(path.join(os.tmpdir(), 'birdseye-migrate-v4-'));
    const line = (ts: number, message: string, severity?: number): LogRecord => ({
      ts,
      host: 'node-1',
      source: 'docker',
      message,
      ...(severity === undefined ? {} : { severity }),
    });
    try {
      await writeOld(dir4, 4, [line(T0, 'disk full before', 3)]);
      const backend = new SqliteBackend(dir4);
      try {
        await backend.writeBatch(
          'default',
          logsBatch(2, [line(T0 + 1, 'disk full after'), line(T0 + 86_400_000, 'disk full next day', 3)]),
          T0,
        );
        const search = (q: string) => messages(backend, q, T0 + 86_400_001);
        const all = ['disk full before', 'disk full after', 'disk full next day'];
        assert.deepEqual(await search('host:"node-1" AND disk'), all);
        assert.deepEqual(await search('source:docker'), all);
        // "node" is a word of the host column only, in either layout.
        assert.deepEqual(await search('node'), []);
        const counts = await backend.logHistogram('default', {
          query: parseLogQuery('disk'),
          from: T0 - 1,
          to: T0 + 86_400_001,
          interval_ms: 86_400_000,
        });
        const day = Math.floor(T0 / 86_400_000) * 86_400_000;
        assert.deepEqual(counts, [
          { ts: day, severity: null, count: 1 },
          { ts: day, severity: 3, count: 1 },
          { ts: day + 86_400_000, severity: 3, count: 1 },
        ]);
      } finally {
        await backend.close();
      }
    } finally {
      rmSync(dir4, { recursive: true, force: true });
    }
  });

  it("finds a pattern's lines on a schema 6 day (by its index) and on newer days (by full text)", async () => {
    const dir6 = mkdtempSync(path.join(os.tmpdir(), 'birdseye-v6-'));
    const line = (ts: number, message: string, pattern: string): LogRecord => ({
      ts,
      host: 'node-1',
      source: 'docker',
      message,
      pattern,
    });
    try {
      await writeOld(dir6, 6, [
        line(T0, 'disk full on sda', 'p-disk'),
        line(T0 + 1, 'user login', 'p-login'),
      ]);
      const backend = new SqliteBackend(dir6);
      try {
        const next = T0 + 86_400_000;
        const batch = logsBatch(2, [
          line(T0 + 2, 'disk full on sdb', 'p-disk'),
          line(next, 'disk full on sdc', 'p-disk'),
        ]);
        await backend.writeBatch('default', batch, T0);
        const search = (q: string) => messages(backend, q, next + 1);
        const disk = ['disk full on sda', 'disk full on sdb', 'disk full on sdc'];
        assert.deepEqual(await search('pattern:p-disk'), disk);
        assert.deepEqual(await search('pattern:p-dis*'), disk);
        assert.deepEqual(await search('pattern:p-login'), ['user login']);
        assert.deepEqual(await search('sd* AND NOT pattern:p-disk'), []);
        // A bare term searches the messages: "p", a word of every pattern id here, is in none.
        assert.deepEqual(await search('p'), []);
      } finally {
        await backend.close();
      }
      const db = new Database(path.join(dir6, 'birdseye.sqlite'), { readonly: true });
      const indexes = db
        .prepare<[], { name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%_pattern'",
        )
        .all()
        .map((r) => r.name);
      db.close();
      assert.deepEqual(indexes, [`logs_d${Math.floor(T0 / 86_400_000)}_pattern`]);
    } finally {
      rmSync(dir6, { recursive: true, force: true });
    }
  });
});
