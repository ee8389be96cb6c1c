import type { ContainerRef, LogRecord } from '../../../model/index.ts';

/**
 * Where a log row keeps each key of its record: a column of its own, or `rest`, the JSON of the
 * keys no column holds (LogWriter.writeLog). A key added to LogRecord must be placed here.
 */
const PLACE: Record<keyof LogRecord, 'column' | 'rest'> = {
  ts: 'column',
  received_ts: 'rest',
  host: 'column',
  source: 'column',
  service: 'column',
  severity: 'column',
  message: 'column',
  container: 'column',
  fields: 'rest',
  format: 'column',
  parse_error: 'rest',
  truncated: 'rest',
  pattern: 'column',
};
const REST_KEYS = (Object.keys(PLACE) as Array<keyof LogRecord>).filter((k) => PLACE[k] === 'rest');

/** The columns a record is read back from, over `logs_d<N> AS l` (see rowRecord). */
export const RECORD_COLUMNS =
  'l.ts, l.host, l.source, l.service, l.severity, l.container_name, l.container_image, l.container_id, l.format, l.pattern, l.message, l.rest';

export interface StoredRow {
  ts: number;
  host: string;
  source: string;
  service: string | null;
  severity: number | null;
  container_name: string | null;
  container_image: string | null;
  container_id: string | null;
  format: string | null;
  pattern: string | null;
  message: string;
  rest: string;
}

/** `rest` of a record: its keys that have no column (an empty container too, which none holds). */
export function restJson(log: LogRecord): string {
  const rest: Partial<Record<keyof LogRecord, unknown>> = {};
  for (const key of REST_KEYS) if (log[key] !== undefined) rest[key] = log[key];
  const c = log.container;
  if (c && c.name === undefined && c.image === undefined && c.id === undefined) rest.container = c;
  return JSON.stringify(rest);
}

/**
 * The record a log row was written from. Rows written before `rest` left out the columns' keys
 * hold them there as well, with the same values.
 */
export function rowRecord(row: StoredRow): LogRecord {
  const record: LogRecord = { ts: row.ts, host: row.host, source: row.source, message: row.message };
  if (row.service !== null) record.service = row.service;
  if (row.severity !== null) record.severity = row.severity;
  if (row.container_name !== null || row.container_image !== null || row.container_id !== null) {
    const container: ContainerRef = {};
    if (row.container_name !== null) container.name = row.container_name;
    if (row.container_image !== null) container.image = row.container_image;
    if (row.container_id !== null) container.id = row.container_id;
    record.container = container;
  }
  if (row.format !== null) record.format = row.format;
  if (row.pattern !== null) record.pattern = row.pattern;
  return Object.assign(record, JSON.parse(row.rest) as Partial<LogRecord>);
}
