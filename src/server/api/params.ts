import { BirdseyeError } from '../../core/errors.ts';
import { parseDuration, parseTime } from '../query/time.ts';

/** Query-string parameters as the API reads them; every bad value is a 400 naming the parameter. */
export type Query = Record<string, string | undefined>;

export function required(query: Query, name: string): string {
  const value = query[name];
  if (value === undefined || value.trim() === '') {
    throw new BirdseyeError('BE_QUERY_INVALID', `missing parameter "${name}"`);
  }
  return value;
}

/** `from` and `to`, inclusive; by default the last hour. */
export function timeRange(query: Query, now: number): { from: number; to: number } {
  const from = parseTime(query.from ?? 'now-1h', 'from', now);
  const to = parseTime(query.to ?? 'now', 'to', now);
  if (from > to) throw new BirdseyeError('BE_QUERY_INVALID', `from (${from}) is after to (${to})`);
  return { from, to };
}

/** An integer parameter within [min, max], or its default when absent. */
export function integer(query: Query, name: string, fallback: number, min: number, max: number): number {
  const text = query[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) {
    throw new BirdseyeError(
      'BE_QUERY_INVALID',
      `${name}: "${text}" is not a whole number from ${min} to ${max}`,
    );
  }
  return n;
}

/** A duration parameter: milliseconds or `30s`, `5m`. */
export function duration(query: Query, name: string): number | undefined {
  const text = query[name];
  if (text === undefined || text === '') return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) : parseDuration(text);
  if (ms === undefined || ms < 1) {
    throw new BirdseyeError(
      'BE_QUERY_INVALID',
      `${name}: "${text}" is not a duration; use milliseconds or 30s`,
    );
  }
  return ms;
}

export function oneOf<T extends string>(query: Query, name: string, values: readonly T[], fallback: T): T {
  const text = query[name];
  if (text === undefined || text === '') return fallback;
  if (!(values as readonly string[]).includes(text)) {
    throw new BirdseyeError('BE_QUERY_INVALID', `${name}: "${text}" must be one of ${values.join(', ')}`);
  }
  return text as T;
}
