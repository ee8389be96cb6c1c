import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { FtsTables, OP_DELETE, OP_INSERT } from './fts-tables.ts';

function op(kind: number, day: number, rowid: number, message: string): unknown[] {
  return [kind, day, rowid, message, 'node-1', 'gateway', null, null, 'plain', null];
}

function matches(db: Database.Database, day: number, query: string): number[] {
  return db
    .prepare<[string], { rowid: number }>(
      `SELECT rowid FROM logs_fts_d${day} WHERE logs_fts_d${day} MATCH ? ORDER BY rowid`,
    )
    .all(query)
    .map((r) => r.rowid);
}

describe('full-text operations', () => {
  it('indexes a piece whose lines are out of time order, across days, each line once', () => {
    const db = new Database(':memory:');
    const tables = new FtsTables(db, 'main');
    const days = new Set<number>();
    db.exec('BEGIN');
    tables.apply(
      [
        ...op(OP_INSERT, 2, 30, 'gamma ready'),
        ...op(OP_INSERT, 1, 20, 'beta ready'),
        ...op(OP_INSERT, 1, 10, 'alpha ready'),
        // A line written and then replaced in the same batch: its operations keep their order.
        ...op(OP_INSERT, 1, 40, 'delta ready'),
        ...op(OP_DELETE, 1, 40, 'delta ready'),
        ...op(OP_INSERT, 1, 5, 'epsilon ready'),
      ],
      days,
    );
    db.exec('COMMIT');
    assert.deepEqual([...days].sort(), [1, 2]);
    assert.deepEqual(matches(db, 1, 'ready'), [5, 10, 20]);
    assert.deepEqual(matches(db, 1, 'delta'), []);
    assert.deepEqual(matches(db, 2, 'ready'), [30]);
    assert.equal(
      db.prepare(`SELECT count(*) AS n FROM logs_fts_d1 WHERE logs_fts_d1 MATCH 'alpha'`).pluck().get(),
      1,
    );
  });
});
