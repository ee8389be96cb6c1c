import type { LogRecord } from '../model/log-record.ts';

export type FormatName =
  'journal-json' | 'journal-short' | 'logfmt' | 'json' | 'rfc5424' | 'rfc3164' | 'plain';

/** What a parser knows about a line besides its text: where and when it arrived. */
export interface ParseContext {
  /** When Birdseye received the line (UTC ms); the record's ts when the line carries none. */
  received_ts: number;
  /** Host to use when the line names none (the sending peer, or this agent). */
  host: string;
  /** Source the records are attributed to: gateway, journald, … */
  source: string;
  /**
   * Offset of the sender's wall clock from UTC, for formats that write local time without a zone
   * (journalctl short/short-precise, RFC 3164). Defaults to 0: most servers log in UTC.
   */
  utc_offset_minutes?: number;
}

/**
 * One text format. `parse` is pure: the same line and context always give the same record, and
 * `undefined` means "not this format", never an error.
 */
export interface LineParser {
  readonly name: FormatName;
  parse(line: string, ctx: ParseContext): LogRecord | undefined;
}
