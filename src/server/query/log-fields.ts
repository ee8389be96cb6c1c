import type { ClusterEvent, LogRecord } from '../../model/index.ts';
import { SEVERITIES } from '../../model/index.ts';

/**
 * Which fields a query may name, and how a record exposes them. Logs and events share the query
 * language but not their fields; a name outside the schema is a query error, so a typo such as
 * `hots:web-1` is reported instead of silently matching nothing.
 */
export interface FieldSchema {
  readonly name: string;
  /** Exact-match (keyword) fields. */
  readonly keywords: readonly string[];
  /** Free-text fields, matched by tokens like the full-text index does. */
  readonly text: readonly string[];
  /** Fields matched as numbers (`severity`). */
  readonly numeric: readonly string[];
  /** Prefixes of open-ended maps: `fields.status`, `attributes.exitCode`. */
  readonly maps: readonly string[];
}

export const LOG_FIELDS: FieldSchema = {
  name: 'log',
  keywords: [
    'host',
    'source',
    'service',
    'container.name',
    'container.image',
    'container.id',
    'format',
    'pattern',
  ],
  text: ['message'],
  numeric: ['severity'],
  maps: ['fields'],
};

export const EVENT_FIELDS: FieldSchema = {
  name: 'event',
  keywords: ['host', 'kind', 'action', 'actor.name', 'actor.image', 'actor.id'],
  text: ['message'],
  numeric: [],
  maps: ['attributes'],
};

export function isKnownField(schema: FieldSchema, field: string): boolean {
  if (schema.keywords.includes(field) || schema.text.includes(field) || schema.numeric.includes(field))
    return true;
  return schema.maps.some((m) => field.startsWith(`${m}.`) && field.length > m.length + 1);
}

export function fieldList(schema: FieldSchema): string {
  return [...schema.keywords, ...schema.text, ...schema.numeric, ...schema.maps.map((m) => `${m}.*`)].join(
    ', ',
  );
}

const SEVERITY_ALIASES: Record<string, number> = { error: 3, warn: 4, emergency: 0, critical: 2 };

/** `3`, `err`, `error`, `warning` → the syslog number; undefined when it is none of those. */
export function severityNumber(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (/^[0-7]$/.test(lower)) return Number(lower);
  const index = (SEVERITIES as readonly string[]).indexOf(lower);
  return index >= 0 ? index : SEVERITY_ALIASES[lower];
}

/** A map value as the query sees it: strings as they are, numbers and booleans printed. */
export function scalarText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * Looks up `status` or `http.status` in a parsed-fields map. A flat key with dots wins over a
 * nested path, because parsers such as logfmt produce flat keys like `http.status`.
 */
export function mapValue(map: Readonly<Record<string, unknown>> | undefined, key: string): unknown {
  if (!map) return undefined;
  if (Object.hasOwn(map, key)) return map[key];
  let node: unknown = map;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/**
 * Every key and scalar inside a map, for the full-text index of parsed fields. Keys are included
 * because a nested value is matched as its JSON text, which contains them.
 */
export function mapScalars(map: Readonly<Record<string, unknown>> | undefined, out: string[] = []): string[] {
  if (!map) return out;
  for (const [key, value] of Object.entries(map)) {
    out.push(key);
    if (typeof value === 'object' && value !== null) mapScalars(value as Record<string, unknown>, out);
    else {
      const text = scalarText(value);
      if (text !== undefined) out.push(text);
    }
  }
  return out;
}

/** The value of a field of a log record, as text (keywords, maps) or a number (severity). */
export function logField(record: LogRecord, field: string): string | number | undefined {
  switch (field) {
    case 'host':
      return record.host;
    case 'source':
      return record.source;
    case 'service':
      return record.service;
    case 'container.name':
      return record.container?.name;
    case 'container.image':
      return record.container?.image;
    case 'container.id':
      return record.container?.id;
    case 'format':
      return record.format;
    case 'pattern':
      return record.pattern;
    case 'message':
      return record.message;
    case 'severity':
      return record.severity;
  }
  if (field.startsWith('fields.')) return scalarText(mapValue(record.fields, field.slice(7)));
  return undefined;
}

export function eventField(event: ClusterEvent, field: string): string | number | undefined {
  switch (field) {
    case 'host':
    case 'kind':
    case 'action':
    case 'message':
      return event[field];
    case 'actor.name':
      return event.actor?.name;
    case 'actor.image':
      return event.actor?.image;
    case 'actor.id':
      return event.actor?.id;
  }
  if (field.startsWith('attributes.')) return event.attributes?.[field.slice(11)];
  return undefined;
}
