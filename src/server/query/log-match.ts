import type { ClusterEvent, LogRecord } from '../../model/index.ts';
import { eventField, EVENT_FIELDS, LOG_FIELDS, logField, type FieldSchema } from './log-fields.ts';
import type { Bound, LogQuery } from './log-query.ts';

/**
 * Evaluates a query against one record in JavaScript: the memory backend, live tail and event
 * search use it. Text matching follows SQLite FTS5's `unicode61 remove_diacritics 2` tokenizer
 * (letters, digits and private-use characters form tokens; case and diacritics fold), so a query
 * matches the same records in every backend.
 */
export function textTokens(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}\p{Co}]+/u)
    .filter((t) => t !== '');
}

/** `Number` of a numeric value or numeric text; undefined for anything else. */
export function numericValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Ranges compare as numbers when every given bound is a number, otherwise as text. */
export function numericBounds(lower?: Bound, upper?: Bound): boolean {
  return [lower, upper].every((b) => b === undefined || numericValue(b.value) !== undefined);
}

export function inRange(value: string | number | undefined, lower?: Bound, upper?: Bound): boolean {
  if (value === undefined) return false;
  let v: string | number | undefined = value;
  let lo: string | number | undefined = lower?.value;
  let hi: string | number | undefined = upper?.value;
  if (numericBounds(lower, upper)) {
    v = numericValue(value);
    if (v === undefined) return false;
    lo = lower && Number(lower.value);
    hi = upper && Number(upper.value);
  } else v = String(value);
  if (lo !== undefined && (lower!.inclusive ? v < lo : v <= lo)) return false;
  if (hi !== undefined && (upper!.inclusive ? v > hi : v >= hi)) return false;
  return true;
}

/** True when `query` tokens occur in `doc` consecutively; the last one may be a prefix. */
export function containsPhrase(doc: readonly string[], query: readonly string[], prefix: boolean): boolean {
  const n = query.length;
  if (n === 0) return false;
  for (let i = 0; i + n <= doc.length; i++) {
    let k = 0;
    while (k < n - 1 && doc[i + k] === query[k]) k++;
    if (k < n - 1) continue;
    const last = doc[i + n - 1]!;
    if (prefix ? last.startsWith(query[n - 1]!) : last === query[n - 1]) return true;
  }
  return false;
}

interface Accessor<R> {
  field(record: R, name: string): string | number | undefined;
  /** What a bare term searches. */
  defaultText(record: R): string;
}

type Context<R> = { record: R; tokens: Map<string | null, string[]> };

function build<R>(q: LogQuery, schema: FieldSchema, access: Accessor<R>): (c: Context<R>) => boolean {
  switch (q.type) {
    case 'all':
      return () => true;
    case 'and': {
      const items = q.items.map((i) => build(i, schema, access));
      return (c) => items.every((f) => f(c));
    }
    case 'or': {
      const items = q.items.map((i) => build(i, schema, access));
      return (c) => items.some((f) => f(c));
    }
    case 'not': {
      const item = build(q.item, schema, access);
      return (c) => !item(c);
    }
    case 'exists':
      return (c) => access.field(c.record, q.field) !== undefined;
    case 'range':
      return (c) => inRange(access.field(c.record, q.field), q.lower, q.upper);
    case 'term': {
      const field = q.field;
      if (field === null || schema.text.includes(field)) {
        const wanted = textTokens(q.text);
        return (c) => {
          let doc = c.tokens.get(field);
          if (!doc) {
            const text = field === null ? access.defaultText(c.record) : access.field(c.record, field);
            doc = textTokens(String(text ?? ''));
            c.tokens.set(field, doc);
          }
          return containsPhrase(doc, wanted, q.prefix);
        };
      }
      return (c) => {
        const value = access.field(c.record, field);
        if (value === undefined) return false;
        const text = String(value);
        return q.prefix ? text.startsWith(q.text) : text === q.text;
      };
    }
  }
}

const LOG_ACCESS: Accessor<LogRecord> = { field: logField, defaultText: (r) => r.message };
const EVENT_ACCESS: Accessor<ClusterEvent> = {
  field: eventField,
  defaultText: (e) =>
    [e.kind, e.action, e.actor?.name, e.actor?.image, e.message].filter((x) => x !== undefined).join(' '),
};

export function logMatcher(query: LogQuery): (record: LogRecord) => boolean {
  const test = build(query, LOG_FIELDS, LOG_ACCESS);
  return (record) => test({ record, tokens: new Map() });
}

export function eventMatcher(query: LogQuery): (event: ClusterEvent) => boolean {
  const test = build(query, EVENT_FIELDS, EVENT_ACCESS);
  return (event) => test({ record: event, tokens: new Map() });
}
