/** Log search, histogram, context and events (docs/api.md), as the Logs and Events pages read them. */
import type { ClusterEvent as ModelClusterEvent, LogRecord as ModelLogRecord } from '../model/index.ts';
import type { Api } from './api.ts';

/** A stored record as the API returns it: the shared model plus its stable id. */
export type LogRecord = ModelLogRecord & { id: string };

export interface SearchPage {
  records: LogRecord[];
  next_cursor: string | null;
}

export interface HistogramBucket {
  ts: number;
  total: number;
  by_severity: Record<string, number>;
}

export interface Histogram {
  from: number;
  to: number;
  interval_ms: number;
  buckets: HistogramBucket[];
}

export interface LogContext {
  record: LogRecord;
  before: LogRecord[];
  after: LogRecord[];
}

export type ClusterEvent = ModelClusterEvent & { id: string };

export interface EventPage {
  events: ClusterEvent[];
  next_cursor: string | null;
}

/** The query and time range every log read shares. */
export interface LogQuery {
  q: string;
  from: string;
  to: string;
}

export const PAGE_SIZE = 100;

export function searchLogs(api: Api, query: LogQuery, cursor?: string): Promise<SearchPage> {
  return api.get<SearchPage>('/api/v1/logs/search', { ...query, limit: String(PAGE_SIZE), cursor });
}

export function logHistogram(api: Api, query: LogQuery): Promise<Histogram> {
  return api.get<Histogram>('/api/v1/logs/histogram', { ...query });
}

export function logContext(api: Api, id: string, lines = 10): Promise<LogContext> {
  return api.get<LogContext>('/api/v1/logs/context', { id, before: String(lines), after: String(lines) });
}

export function searchEvents(api: Api, query: LogQuery, cursor?: string): Promise<EventPage> {
  return api.get<EventPage>('/api/v1/events', { ...query, limit: String(PAGE_SIZE), cursor });
}

/** Syslog severity names by number, as the server names them in histograms. */
export const SEVERITY_NAMES = [
  'emerg',
  'alert',
  'crit',
  'err',
  'warning',
  'notice',
  'info',
  'debug',
] as const;

export function severityName(severity: number | undefined): string {
  return severity === undefined ? 'unknown' : (SEVERITY_NAMES[severity] ?? 'unknown');
}

/** A query-language literal: quoted, with quotes and backslashes escaped. */
export function quoteTerm(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** `query AND field:value` (quoted when needed), or just the clause when the query is empty. */
export function addClause(query: string, field: string, value: string): string {
  const clause = `${field}:${/^[\p{L}\p{N}_.-]+$/u.test(value) ? value : quoteTerm(value)}`;
  const trimmed = query.trim();
  if (trimmed === '') return clause;
  return /\bOR\b|\|\|/.test(trimmed) ? `(${trimmed}) AND ${clause}` : `${trimmed} AND ${clause}`;
}
