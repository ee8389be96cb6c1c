import type Database from 'better-sqlite3';
import type { FtsValues } from './doc-ids.ts';
import { ftsDeleteSql, ftsInsertSql, ftsSchema, indexFileSchema } from './schema.ts';

/**
 * Full-text operations as they travel to the index worker: flat, OP_WIDTH values each,
 * `[kind, day, rowid, message, host, source, service, container, format, fields]`.
 */
export const OP_INSERT = 1;
export const OP_DELETE = 2;
export const OP_WIDTH = 10;

/** Segments of one level FTS5 merges into one (its default: 4). */
const AUTOMERGE = 8;

/** Backlog entries kept per batch (fts_recent) to find the days of batches the main file lost. */
const RECENT_KEPT = 1024;

/** Orders the operations at offsets `a` and `b` of a flat list by day, then rowid. */
function compareOps(ops: readonly unknown[], a: number, b: number): number {
  return (ops[a + 1] as number) - (ops[b + 1] as number) || (ops[a + 2] as number) - (ops[b + 2] as number);
}

/** The days that have a full-text table (`logs_fts_d<N>`) in the database `schema` of `db`. */
export function ftsTableDays(db: Database.Database, schema: string): number[] {
  return db
    .prepare<[], { name: string }>(
      `SELECT name FROM ${schema}.sqlite_master WHERE type = 'table' AND name GLOB 'logs_fts_d[0-9]*'`,
    )
    .all()
    .map((r) => /^logs_fts_d(\d+)$/.exec(r.name)?.[1])
    .filter((d) => d !== undefined)
    .map(Number);
}

interface DayStatements {
  insert: Database.Statement;
  remove: Database.Statement;
}

/**
 * The day full-text tables of the index file, written through one connection: the worker's own
 * (schema `main`) or, for recovery, the server's (where the file is attached as `fts`).
 */
export class FtsTables {
  private readonly statements = new Map<number, DayStatements>();
  private readonly markStmt: Database.Statement;
  private readonly recentStmt: Database.Statement;
  private readonly trimStmt: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly schema: string,
  ) {
    db.exec(indexFileSchema(schema));
    this.markStmt = db.prepare(`UPDATE ${schema}.fts_state SET done = ? WHERE id = 1`);
    this.recentStmt = db.prepare(`INSERT OR REPLACE INTO ${schema}.fts_recent (seq, days) VALUES (?, ?)`);
    this.trimStmt = db.prepare(`DELETE FROM ${schema}.fts_recent WHERE seq <= ?`);
  }

  /** Days that have a full-text table in the index file. */
  days(): number[] {
    return ftsTableDays(this.db, this.schema);
  }

  private day(day: number): DayStatements {
    let s = this.statements.get(day);
    if (s) return s;
    const table = `${this.schema}.logs_fts_d${day}`;
    const made = this.db
      .prepare(`SELECT 1 FROM ${this.schema}.sqlite_master WHERE name = ?`)
      .get(`logs_fts_d${day}`);
    if (!made) {
      this.db.exec(ftsSchema(this.schema, day));
      // FTS5 merges 4 segments of a level into one by default; at millions of lines a day that is
      // most of the write's cost. 8 costs a quarter less CPU per line with no slower search (docs).
      this.db.exec(`INSERT INTO ${table} (logs_fts_d${day}, rank) VALUES ('automerge', ${AUTOMERGE})`);
    }
    s = {
      insert: this.db.prepare(ftsInsertSql(this.schema, day)),
      remove: this.db.prepare(ftsDeleteSql(this.schema, day)),
    };
    this.statements.set(day, s);
    return s;
  }

  /** Makes the day's table if it has none. */
  create(day: number): void {
    this.day(day);
  }

  insert(day: number, rowid: number, values: FtsValues): void {
    this.day(day).insert.run(rowid, ...values);
  }

  remove(day: number, rowid: number, values: FtsValues): void {
    this.day(day).remove.run(rowid, ...values);
  }

  /**
   * Applies flat operations (see OP_WIDTH) in (day, rowid) order, those of one row in the order
   * given; adds the days they touch to `days`. FTS5 writes its pending terms out as a new segment
   * whenever a table is given a rowid below the last one it was given in the transaction, and a
   * batch's ids are its lines' times: lines of streams interleaved, or a clock set back, made a
   * segment every few lines and doubled the index's CPU per line (later merged, again and again).
   */
  apply(ops: readonly unknown[], days: Set<number>): void {
    const order: number[] = [];
    let sorted = true;
    for (let i = 0; i + OP_WIDTH <= ops.length; i += OP_WIDTH) {
      if (order.length > 0 && sorted && compareOps(ops, order.at(-1)!, i) > 0) sorted = false;
      order.push(i);
    }
    // Array.prototype.sort is stable: a row's own operations keep their order.
    if (!sorted) order.sort((a, b) => compareOps(ops, a, b));
    for (const i of order) {
      const day = ops[i + 1] as number;
      const s = this.day(day);
      days.add(day);
      (ops[i] === OP_DELETE ? s.remove : s.insert).run(
        ops[i + 2],
        ops[i + 3],
        ops[i + 4],
        ops[i + 5],
        ops[i + 6],
        ops[i + 7],
        ops[i + 8],
        ops[i + 9],
      );
    }
  }

  drop(day: number): void {
    this.statements.delete(day);
    this.db.exec(`DROP TABLE IF EXISTS ${this.schema}.logs_fts_d${day}`);
  }

  /** The newest backlog entry the index has. */
  done(): number {
    return (
      this.db.prepare<[], { done: number }>(`SELECT done FROM ${this.schema}.fts_state`).get()?.done ?? 0
    );
  }

  /** Records, in the caller's transaction, that the index has every entry up to `seq`. */
  markDone(seq: number, days: Iterable<number>): void {
    this.markStmt.run(seq);
    this.recentStmt.run(seq, JSON.stringify([...days]));
    if (seq % 64 === 0) this.trimStmt.run(seq - RECENT_KEPT);
  }

  /**
   * The days entries after `seq` touched, or undefined when fts_recent no longer reaches back that
   * far. Entries after `seq` are forgotten (the caller rebuilds those days).
   */
  takeRecentDaysAfter(seq: number): number[] | undefined {
    const rows = this.db
      .prepare<[number], { seq: number; days: string }>(
        `SELECT seq, days FROM ${this.schema}.fts_recent WHERE seq > ? ORDER BY seq`,
      )
      .all(seq);
    this.db.prepare(`DELETE FROM ${this.schema}.fts_recent WHERE seq > ?`).run(seq);
    if (rows[0]?.seq !== seq + 1) return undefined;
    return [...new Set(rows.flatMap((r) => JSON.parse(r.days) as number[]))];
  }
}
