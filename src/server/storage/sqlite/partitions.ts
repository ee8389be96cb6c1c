import type Database from 'better-sqlite3';
import { BirdseyeError } from '../../../core/errors.ts';
import { DAY_MS } from '../log-common.ts';
import { ftsTableDays } from './fts-tables.ts';
import { addCountSql, countsSchema, dropCountsSql } from './log-counts.ts';
import {
  DAY_US,
  dropPartitionSql,
  ftsDeleteSql,
  ftsInsertSql,
  histogramIndexSql,
  ID_SLOT,
  partitionSchema,
} from './schema.ts';

interface DayStatements {
  insertLog: Database.Statement;
  /** Only for a day whose full-text table is in the main file (made before schema 4). */
  insertFts: Database.Statement | undefined;
  removeFts: Database.Statement | undefined;
  insertEvent: Database.Statement;
  /** Undefined for a day made before per-minute counts existed. */
  addCount: Database.Statement | undefined;
  maxLogId: Database.Statement<[number, number], { m: number | null }>;
  maxEventId: Database.Statement<[number, number], { m: number | null }>;
}

interface Allocation {
  highest: number;
  next: Map<number, number>;
}

/** The microsecond of its day a timestamp falls in, clamped so a wild clock cannot overflow ids. */
export function slotOf(ts: number, day: number): number {
  const us = Math.round(ts * 1000) - day * DAY_US;
  return Math.min(Math.max(us, 0), DAY_US - 1);
}

/** The smallest and largest rowid a day can hold for times within [from, to]. */
export function idRange(day: number, from: number, to: number): [number, number] {
  const start = day * DAY_MS;
  const lo = from <= start ? 0 : slotOf(from, day) * ID_SLOT;
  const hi = to >= start + DAY_MS ? DAY_US * ID_SLOT : slotOf(to, day) * ID_SLOT + ID_SLOT - 1;
  return [lo, hi];
}

/**
 * The set of day partitions: which exist, their insert statements, and rowid allocation. Rowids
 * within one microsecond count up in arrival order; the next free counter per microsecond is
 * cached so a batch of lines stamped the same millisecond costs one probe, not one per line.
 */
export class Partitions {
  private readonly days = new Set<number>();
  /** Days whose full-text table is in the main file (made before schema 4); the rest: index file. */
  private readonly local = new Set<number>();
  /** Days that have per-minute log counts (see log-counts.ts): those made since they exist. */
  private readonly counted = new Set<number>();
  private readonly statements = new Map<number, DayStatements>();
  /**
   * Per kind and day (key day·2 + kind): the largest id in its table, an upper bound (lines mostly
   * arrive in time order, so a new microsecond is usually past it and needs no probe at all), and
   * the next free counter of the microseconds used lately.
   */
  private allocations = new Map<number, Allocation>();

  /** `onDropped`: told the days retention dropped, whose full-text tables go apart. */
  constructor(
    private readonly db: Database.Database,
    private readonly onDropped: (days: number[]) => void = () => undefined,
  ) {
    this.reload();
  }

  /** Re-reads the list from the schema, e.g. after a rolled-back transaction created a day. */
  reload(): void {
    this.days.clear();
    this.local.clear();
    this.counted.clear();
    this.statements.clear();
    this.allocations = new Map();
    const rows = this.db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'logs_d[0-9]*'",
      )
      .all();
    for (const { name } of rows) this.days.add(Number(name.slice('logs_d'.length)));
    for (const day of ftsTableDays(this.db, 'main')) this.local.add(day);
    const counts = this.db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'logcounts_d[0-9]*'",
      )
      .all();
    for (const { name } of counts) this.counted.add(Number(name.slice('logcounts_d'.length)));
  }

  /**
   * Adds the indexes a newer schema has to the days an older one made: once per day, at open, in
   * the caller's transaction (about 2 s of CPU per million lines, once).
   */
  ensureIndexes(): void {
    for (const day of this.days) this.db.exec(histogramIndexSql(day));
  }

  /** Days that exist, oldest first. */
  list(): number[] {
    return [...this.days].sort((a, b) => a - b);
  }

  hasCounts(day: number): boolean {
    return this.counted.has(day);
  }

  has(day: number): boolean {
    return this.days.has(day);
  }

  /** The day's full-text table is in the main file, written in the batch's transaction. */
  ftsLocal(day: number): boolean {
    return this.local.has(day);
  }

  private stmts(day: number): DayStatements {
    let s = this.statements.get(day);
    if (s) return s;
    if (!this.days.has(day)) {
      this.db.exec(partitionSchema(day));
      this.db.exec(countsSchema(day));
      this.days.add(day);
      this.counted.add(day);
    }
    s = {
      insertLog: this.db.prepare(
        `INSERT INTO logs_d${day} (id, tenant, ts, host, source, service, severity, container_name,
         container_image, container_id, format, message, rest, pattern)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertFts: this.local.has(day) ? this.db.prepare(ftsInsertSql('main', day)) : undefined,
      removeFts: this.local.has(day) ? this.db.prepare(ftsDeleteSql('main', day)) : undefined,
      insertEvent: this.db.prepare(`INSERT INTO events_d${day} (id, tenant, ts, record) VALUES (?, ?, ?, ?)`),
      addCount: this.counted.has(day) ? this.db.prepare(addCountSql(day)) : undefined,
      maxLogId: this.db.prepare(`SELECT max(id) AS m FROM logs_d${day} WHERE id BETWEEN ? AND ?`),
      maxEventId: this.db.prepare(`SELECT max(id) AS m FROM events_d${day} WHERE id BETWEEN ? AND ?`),
    };
    this.statements.set(day, s);
    return s;
  }

  /** Statements of the day, creating its tables inside the caller's transaction if needed. */
  forWrite(day: number): DayStatements {
    return this.stmts(day);
  }

  allocate(kind: 'log' | 'event', day: number, ts: number): number {
    const key = day * 2 + (kind === 'log' ? 0 : 1);
    let a = this.allocations.get(key);
    if (!a) {
      const table = kind === 'log' ? `logs_d${day}` : `events_d${day}`;
      this.stmts(day);
      const highest = this.db.prepare<[], { m: number | null }>(`SELECT max(id) AS m FROM ${table}`).get()?.m;
      a = { highest: highest ?? -1, next: new Map() };
      this.allocations.set(key, a);
    }
    const id = this.allocateId(kind, day, ts, a);
    if (id > a.highest) a.highest = id;
    return id;
  }

  private allocateId(kind: 'log' | 'event', day: number, ts: number, a: Allocation): number {
    let slot = slotOf(ts, day);
    for (;;) {
      let n = a.next.get(slot);
      if (n === undefined && slot * ID_SLOT > a.highest) n = 0;
      if (n === undefined) {
        const probe = kind === 'log' ? this.stmts(day).maxLogId : this.stmts(day).maxEventId;
        const max = probe.get(slot * ID_SLOT, slot * ID_SLOT + ID_SLOT - 1)?.m ?? null;
        n = max === null ? 0 : max - slot * ID_SLOT + 1;
      }
      if (n < ID_SLOT) {
        if (a.next.size > 100_000) a.next = new Map();
        a.next.set(slot, n + 1);
        return slot * ID_SLOT + n;
      }
      // 65536 records in one microsecond: borrow the next microsecond rather than fail the batch.
      if (slot >= DAY_US - 1) throw new BirdseyeError('BE_STORAGE', `no free log id left in day ${day}`);
      slot++;
    }
  }

  /** Retention: drops every day that ends at or before `cutoffTs`, in one transaction. */
  dropBefore(cutoffTs: number): number {
    const days = this.list().filter((d) => (d + 1) * DAY_MS <= cutoffTs);
    if (days.length === 0) return 0;
    try {
      this.db.transaction(() => {
        days.forEach((d) => this.db.exec(dropPartitionSql(d) + dropCountsSql(d)));
        // Document ids of lines in the dropped days point nowhere now.
        this.db.prepare('DELETE FROM doc_ids WHERE day <= ?').run(Math.max(...days));
      })();
    } catch (cause) {
      throw new BirdseyeError(
        'BE_STORAGE',
        `retention could not drop old days: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    } finally {
      this.reload();
    }
    this.onDropped(days);
    // Hands the freed pages back to the file system (auto_vacuum=INCREMENTAL files only).
    this.db.pragma('incremental_vacuum');
    return days.length;
  }
}
