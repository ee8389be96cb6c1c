import type { LogRecord } from '../../../model/index.ts';

/** What a log row keeps of its record: the message, and the rest as JSON (LogWriter.writeLog). */
export interface StoredRow {
  message: string;
  rest: string;
}

/** The record a log row was written from. */
export function rowRecord(row: StoredRow): LogRecord {
  return { ...(JSON.parse(row.rest) as Omit<LogRecord, 'message'>), message: row.message };
}
