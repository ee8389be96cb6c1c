import type Database from 'better-sqlite3';
import type { FtsValues } from './doc-ids.ts';
import type { BacklogOp } from './fts-index.ts';
import type { FtsTables } from './fts-tables.ts';
import { ftsValues } from './log-writer.ts';
import type { Partitions } from './partitions.ts';
import { RECORD_COLUMNS, rowRecord, type StoredRow } from './stored-row.ts';

/** Rows read at a time when a day's index is rebuilt (a statement cannot run while one iterates). */
const REBUILD_ROWS = 5000;

interface Row extends StoredRow {
  id: number;
  tenant: string;
}

export interface RecoveryReport {
  /** Backlog entries indexed from the rows. */
  readonly replayed: number;
  /** Days whose index was made again from all their rows. */
  readonly rebuilt: number[];
}

/**
 * Brings the index file in line with the rows, on the server's own connection (the file attached as
 * `fts`), whatever happened to either file:
 * - backlog entries newer than the index's `done` (a kill -9 between a batch's two commits, or a
 *   worker that failed) are replayed: every row they added that still exists is indexed with its
 *   current values, and every row they removed that the index had before them is removed;
 * - a day with rows and no index table (the index file was deleted or is new) is rebuilt;
 * - an index `done` beyond the main file's newest backlog entry means the main file lost its last
 *   transactions but the index did not (an OS crash with synchronous=NORMAL): the days those
 *   entries touched are rebuilt, so no index entry outlives its row;
 * - a table of a day the main file no longer has (retention, the drop not yet done) is dropped.
 */
export class FtsRecovery {
  constructor(
    private readonly db: Database.Database,
    private readonly partitions: Partitions,
    private readonly tables: FtsTables,
  ) {}

  /** At open, before anything reads; `fresh`: the index file was just made. */
  open(fresh: boolean): RecoveryReport {
    const indexed = this.partitions.list().filter((d) => !this.partitions.ftsLocal(d));
    const newest = this.newestEntry();
    const rebuilt: number[] = [];
    if (fresh || this.tables.done() > newest) {
      const days = fresh ? indexed : (this.tables.takeRecentDaysAfter(newest) ?? indexed);
      for (const day of days.filter((d) => indexed.includes(d))) {
        this.rebuild(day);
        rebuilt.push(day);
      }
      this.db.transaction(() => this.tables.markDone(newest, []))();
    }
    const { replayed, rebuilt: more } = this.replayWithCount();
    rebuilt.push(...more);
    const present = new Set(this.tables.days());
    for (const day of indexed) {
      if (present.has(day)) continue;
      this.rebuild(day);
      rebuilt.push(day);
    }
    for (const day of present) {
      if (!this.partitions.has(day) || this.partitions.ftsLocal(day)) this.tables.drop(day);
    }
    return { replayed, rebuilt };
  }

  /** Indexes every backlog entry newer than the index's `done`; returns the new `done`. */
  replay(): number {
    this.replayWithCount();
    return this.tables.done();
  }

  private replayWithCount(): RecoveryReport {
    const done = this.tables.done();
    const entries = this.db
      .prepare<[number], { seq: number; ops: string }>(
        'SELECT seq, ops FROM main.fts_backlog WHERE seq > ? ORDER BY seq',
      )
      .all(done);
    const last = entries.at(-1)?.seq;
    if (last === undefined) {
      this.trim(done);
      return { replayed: 0, rebuilt: [] };
    }
    const ops = entries.flatMap((e) => JSON.parse(e.ops) as BacklogOp[]);
    // A day the entries touch that has rows but no index table yet is indexed whole.
    const present = new Set(this.tables.days());
    const rebuilt = [...new Set(ops.map((op) => op[0]))].filter(
      (d) => this.partitions.has(d) && !this.partitions.ftsLocal(d) && !present.has(d),
    );
    for (const day of rebuilt) this.rebuild(day);
    this.db.transaction(() => {
      const added = new Map<string, [number, number]>();
      const days = new Set<number>();
      for (const op of ops) {
        const [day] = op;
        if (!present.has(day)) continue;
        if (op.length === 2) {
          for (const rowid of op[1]) added.set(`${day}:${rowid}`, [day, rowid]);
        } else if (!added.has(`${day}:${op[1]}`)) {
          // The index has these values from an earlier batch; an entry added by a replayed one
          // is indexed below from the row as it is now, or not at all if the row is gone.
          this.tables.remove(day, op[1], op[2]);
          days.add(day);
        }
      }
      for (const [day, rowid] of added.values()) {
        if (!this.partitions.has(day)) continue;
        const row = this.db
          .prepare<[number], Row>(
            `SELECT l.id, l.tenant, ${RECORD_COLUMNS} FROM main.logs_d${day} AS l WHERE l.id = ?`,
          )
          .get(rowid);
        if (!row) continue;
        this.tables.insert(day, rowid, this.values(day, row));
        days.add(day);
      }
      this.tables.markDone(last, days);
    })();
    this.trim(last);
    return { replayed: entries.length, rebuilt };
  }

  /** The main file's newest backlog entry ever (AUTOINCREMENT keeps it after the rows go). */
  private newestEntry(): number {
    return (
      this.db
        .prepare<[], { seq: number }>("SELECT seq FROM main.sqlite_sequence WHERE name = 'fts_backlog'")
        .get()?.seq ?? 0
    );
  }

  /** The full-text values a row was indexed with. */
  private values(day: number, row: Row): FtsValues {
    return ftsValues(rowRecord(row), row.tenant, this.partitions.ftsLayout(day));
  }

  private trim(done: number): void {
    this.db.prepare('DELETE FROM main.fts_backlog WHERE seq <= ?').run(done);
  }

  /** Makes a day's index table again from all its rows, in one transaction. */
  private rebuild(day: number): void {
    const read = this.db.prepare<[number, number], Row>(
      `SELECT l.id, l.tenant, ${RECORD_COLUMNS} FROM main.logs_d${day} AS l WHERE l.id > ? ORDER BY l.id LIMIT ?`,
    );
    this.db.transaction(() => {
      this.tables.drop(day);
      this.tables.create(day);
      for (let after = -1; ;) {
        const rows = read.all(after, REBUILD_ROWS);
        for (const row of rows) this.tables.insert(day, row.id, this.values(day, row));
        if (rows.length < REBUILD_ROWS) break;
        after = rows.at(-1)!.id;
      }
    })();
  }
}
