import type Database from 'better-sqlite3';
import type { LogRecord } from '../../../model/index.ts';
import { dayOf } from '../log-common.ts';

/**
 * Log counts per tenant, minute and severity, one table per day beside `logs_d<N>`
 * (`logcounts_d<N>`), kept in the batch's transaction. A histogram of everything (what the Logs
 * page draws before anyone types a query) then reads at most 1,440 rows per day and severity
 * instead of every line. Severity null is stored as -1 (a WITHOUT ROWID key cannot be null).
 * Days made before this table existed have none; the histogram scans those as before.
 */
export const MINUTE_MS = 60_000;

export function countsSchema(day: number): string {
  return `CREATE TABLE IF NOT EXISTS logcounts_d${day} (
  tenant TEXT NOT NULL, minute INTEGER NOT NULL, severity INTEGER NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (tenant, minute, severity)
) WITHOUT ROWID;`;
}

export function dropCountsSql(day: number): string {
  return `DROP TABLE IF EXISTS logcounts_d${day};`;
}

/** The upsert that adds `count` lines to one (tenant, minute, severity) of a day's counts. */
export function addCountSql(day: number): string {
  return `INSERT INTO logcounts_d${day} (tenant, minute, severity, count) VALUES (?, ?, ?, ?)
    ON CONFLICT (tenant, minute, severity) DO UPDATE SET count = count + excluded.count`;
}

/**
 * Adds a batch's lines to the counts: one upsert per (day, minute, severity) the batch touches,
 * through the day's prepared statement (`undefined` for a day made before counts existed).
 */
export function countLogs(
  tenant: string,
  logs: readonly LogRecord[],
  addCount: (day: number) => Database.Statement | undefined,
): void {
  const tally = new Map<string, number>();
  for (const log of logs) {
    const key = `${dayOf(log.ts)}:${Math.floor(log.ts / MINUTE_MS)}:${log.severity ?? -1}`;
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  for (const [key, n] of tally) {
    const [day, minute, severity] = key.split(':').map(Number) as [number, number, number];
    addCount(day)?.run(tenant, minute, severity, n);
  }
}

/**
 * Whole minutes inside [from, to] (inclusive, fractional ms allowed): minute m with
 * from <= m·60000 and (m+1)·60000 <= to. `end` is exclusive; empty when first >= end.
 */
export function wholeMinutes(from: number, to: number): { first: number; end: number } {
  return { first: Math.ceil(from / MINUTE_MS), end: Math.floor(to / MINUTE_MS) };
}

/**
 * The largest time below `ms` (> 0): where an inclusive range must end to leave out `ms` itself.
 * Subtracting a small constant does not do: at today's times a double's step is about 0.24 µs.
 */
export function justBelow(ms: number): number {
  const bits = new BigInt64Array(new Float64Array([ms]).buffer);
  bits[0]!--;
  return new Float64Array(bits.buffer)[0]!;
}

/**
 * Counts per (interval bucket, severity) of one tenant's whole minutes [first, end) of a day, of
 * the rows of `logcounts_d<N> AS l` that satisfy `where` (a severity condition, see onCounts).
 */
export function countsSql(day: number, where = '1'): string {
  return `SELECT CAST(l.minute * ${MINUTE_MS} / ? AS INTEGER) * ? AS ts, nullif(l.severity, -1) AS severity,
    sum(l.count) AS count FROM logcounts_d${day} AS l
    WHERE l.tenant = ? AND l.minute >= ? AND l.minute < ? AND ${where} GROUP BY 1, 2`;
}
