import type Database from 'better-sqlite3';
import { mapValue, scalarText } from '../../query/log-fields.ts';
import { numericValue } from '../../query/log-match.ts';

/**
 * SQL functions for parsed fields, written in JavaScript so SQLite compares a `fields.*` value
 * exactly as the JavaScript matcher (memory backend, live tail) does. They run only on rows the
 * full-text prefilter and the time range let through.
 */
export function registerFunctions(db: Database.Database): void {
  // Consecutive calls on one row (a query naming two fields) parse its JSON once.
  let lastRest: string | undefined;
  let lastFields: Record<string, unknown> | undefined;
  db.function('be_field', { deterministic: true }, (rest: unknown, key: unknown) => {
    if (typeof rest !== 'string' || typeof key !== 'string') return null;
    if (rest !== lastRest) {
      lastRest = rest;
      lastFields = (JSON.parse(rest) as { fields?: Record<string, unknown> }).fields;
    }
    return scalarText(mapValue(lastFields, key)) ?? null;
  });
  db.function('be_num', { deterministic: true }, (value: unknown) => numericValue(value) ?? null);
}
