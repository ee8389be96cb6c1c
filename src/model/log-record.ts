import { boolean, isObject, kind, number, object, Problems, string, type Obj } from './check.ts';

/** Syslog severities (RFC 5424): 0 emergency … 7 debug. journald's PRIORITY uses the same scale. */
export const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
export type Severity = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface ContainerRef {
  id?: string;
  name?: string;
  image?: string;
}

export interface LogRecord {
  /** Event time, UTC epoch milliseconds; journald's microseconds survive as the fraction. */
  ts: number;
  /** When Birdseye first saw the line (UTC ms); equals ts when the line carried no time. */
  received_ts?: number;
  host: string;
  /** Where the record came from: journald, docker, gateway, … */
  source: string;
  /** Unit, syslog identifier, compose service or app name. */
  service?: string;
  /** 0–7, see SEVERITIES. */
  severity?: number;
  message: string;
  container?: ContainerRef;
  fields?: Record<string, unknown>;
  /** Parser that produced the record (journal-json, logfmt, rfc5424, plain, …). */
  format?: string;
  /** No parser understood the line: message holds it exactly as received. */
  parse_error?: boolean;
  /** The line was longer than the limit and was cut. */
  truncated?: boolean;
  /** Id of the log pattern the server's miner put the line in (set by the server, not agents). */
  pattern?: string;
}

const KEYS = new Set([
  'ts',
  'received_ts',
  'host',
  'source',
  'service',
  'severity',
  'message',
  'container',
  'fields',
  'format',
  'parse_error',
  'truncated',
  'pattern',
]);
const CONTAINER_KEYS = new Set(['id', 'name', 'image']);

export function checkContainerRef(value: unknown, path: PropertyKey[], p: Problems): void {
  if (!object(value, CONTAINER_KEYS, path, p)) return;
  for (const key of CONTAINER_KEYS) string(value, key, path, p, { optional: true });
}

export function checkLogRecord(value: unknown, path: PropertyKey[], p: Problems): void {
  if (!object(value, KEYS, path, p)) return;
  const r: Obj = value;
  number(r, 'ts', path, p, { min: 0 });
  number(r, 'received_ts', path, p, { optional: true, min: 0 });
  string(r, 'host', path, p, { min: 1 });
  string(r, 'source', path, p, { min: 1 });
  string(r, 'service', path, p, { optional: true });
  number(r, 'severity', path, p, { optional: true, int: true, min: 0, max: 7 });
  string(r, 'message', path, p);
  if (r.container !== undefined) checkContainerRef(r.container, [...path, 'container'], p);
  if (r.fields !== undefined && !isObject(r.fields)) {
    p.add([...path, 'fields'], `expected an object, got ${kind(r.fields)}`);
  }
  string(r, 'format', path, p, { optional: true });
  boolean(r, 'parse_error', path, p);
  boolean(r, 'truncated', path, p);
  string(r, 'pattern', path, p, { optional: true });
}

/** The problems of one record, e.g. for tests of parsers; empty when it is valid. */
export function logRecordProblems(value: unknown): string[] {
  const p = new Problems(100);
  checkLogRecord(value, [], p);
  return p.shown;
}
