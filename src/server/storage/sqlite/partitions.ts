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
  SEVERITY_CODES,
  severityCode,
} from './schema.ts';
import type { FtsLayout } from './log-sql.ts';

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
  /** Between consecutive counters' ids: SEVERITY_CODES for logs of a tagged day, else 1. */
  step: number;
  /** The microsecond used last and its next free counter (not in `next` while it is the last). */
  lastSlot: number;
  lastNext: number;
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
  /** Days made since schema 5 (`day_layouts`): severity in log ids, tagged full-text columns. */
  private readonly tagged = new Set<number>();
  /** Days made since schema 7 (`day_pattern_tokens`): pattern ids in the full-text index. */
  private readonly patternTokens = new Set<number>();
  /** Per tagged day, the tenants whose lines retention deleted (`log_clears`). */
  private readonly clears = new Map<number, Set<string>>();
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
    this.tagged.clear();
    this.patternTokens.clear();
    this.clears.clear();
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
    for (const { day } of this.db.prepare<[], { day: number }>('SELECT day FROM day_layouts').all()) {
      this.tagged.add(day);
    }
    const patterned = this.db.prepare<[], { day: number }>('SELECT day FROM day_pattern_tokens');
    for (const { day } of patterned.all()) this.patternTokens.add(day);
    const cleared = this.db.prepare<[], { day: number; tenant: string }>(
      'SELECT day, tenant FROM log_clears',
    );
    for (const { day, tenant } of cleared.all()) this.clearsOf(day).add(tenant);
  }

  private clearsOf(day: number): Set<string> {
    let set = this.clears.get(day);
    if (!set) this.clears.set(day, (set = new Set()));
    return set;
  }

  /**
   * Adds the indexes a newer schema has to the days an older one made: once per day, at open, in
   * the caller's transaction (about 2 s of CPU per million lines, once).
   */
  ensureIndexes(): void {
    for (const day of this.days) if (!this.tagged.has(day)) this.db.exec(histogramIndexSql(day));
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

  /** How the day's full-text table holds its keyword columns (see FtsLayout). */
  ftsLayout(day: number): FtsLayout {
    if (this.patternTokens.has(day)) return 'tagged-pattern';
    return this.tagged.has(day) ? 'tagged' : 'plain';
  }

  /**
   * The index alone can count the tenant's lines of the day: it is tagged (ids carry severities,
   * entries the tenant), and retention never deleted the tenant's lines there (which leaves their
   * entries behind).
   */
  indexExact(day: number, tenant: string): boolean {
    return this.tagged.has(day) && !this.clears.get(day)?.has(tenant);
  }

  /** Retention deleted some tenant's lines of the day (whose full-text entries stay). */
  hasClears(day: number): boolean {
    return (this.clears.get(day)?.size ?? 0) > 0;
  }

  /** Retention is about to delete the tenant's lines of the day: recorded first, and kept. */
  cleared(day: number, tenant: string): void {
    this.db.prepare('INSERT OR IGNORE INTO log_clears (day, tenant) VALUES (?, ?)').run(day, tenant);
    this.clearsOf(day).add(tenant);
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
      this.db.prepare('INSERT OR IGNORE INTO day_layouts (day) VALUES (?)').run(day);
      this.db.prepare('INSERT OR IGNORE INTO day_pattern_tokens (day) VALUES (?)').run(day);
      this.days.add(day);
      this.counted.add(day);
      this.tagged.add(day);
      this.patternTokens.add(day);
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

  /**
   * A new id for a log (with its severity) or an event of the day at `ts`. On a tagged day a
   * log's id ends in its severity code (schema.ts), and its counter steps by SEVERITY_CODES.
   */
  allocate(kind: 'log' | 'event', day: number, ts: number, severity?: number): number {
    const key = day * 2 + (kind === 'log' ? 0 : 1);
    let a = this.allocations.get(key);
    if (!a) {
      const table = kind === 'log' ? `logs_d${day}` : `events_d${day}`;
      this.stmts(day);
      const highest = this.db.prepare<[], { m: number | null }>(`SELECT max(id) AS m FROM ${table}`).get()?.m;
      const step = kind === 'log' && this.tagged.has(day) ? SEVERITY_CODES : 1;
      a = { highest: highest ?? -1, next: new Map(), step, lastSlot: -1, lastNext: 0 };
      this.allocations.set(key, a);
    }
    const code = a.step === 1 ? 0 : severityCode(severity);
    const id = this.allocateId(kind, day, ts, a) + code;
    if (id > a.highest) a.highest = id;
    return id;
  }

  /** The id of the next free counter at `ts`, without the severity code. */
  private allocateId(kind: 'log' | 'event', day: number, ts: number, a: Allocation): number {
    const counters = ID_SLOT / a.step;
    let slot = slotOf(ts, day);
    for (;;) {
      // Past every id so far: nothing there yet (the usual case, lines coming in time order).
      const fresh = slot * ID_SLOT > a.highest;
      let n = slot === a.lastSlot ? a.lastNext : fresh ? 0 : a.next.get(slot);
      if (n === undefined) {
        const probe = kind === 'log' ? this.stmts(day).maxLogId : this.stmts(day).maxEventId;
        const max = probe.get(slot * ID_SLOT, slot * ID_SLOT + ID_SLOT - 1)?.m ?? null;
        n = max === null ? 0 : Math.floor((max - slot * ID_SLOT) / a.step) + 1;
      }
      if (n < counters) {
        // The microsecond left goes in `next` only when this one is not fresh: lines in time order
        // need no map. One left that way is probed for again should a line come back to it, so
        // what `next` held for it, from an earlier visit, goes.
        if (a.lastSlot >= 0 && a.lastSlot !== slot) {
          if (fresh) {
            if (a.next.size > 0) a.next.delete(a.lastSlot);
          } else {
            if (a.next.size > 100_000) a.next = new Map();
            a.next.set(a.lastSlot, a.lastNext);
          }
        }
        a.lastSlot = slot;
        a.lastNext = n + 1;
        return slot * ID_SLOT + n * a.step;
      }
      // Every counter of one microsecond taken: borrow the next microsecond rather than fail the batch.
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
