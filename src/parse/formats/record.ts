import type { LogRecord } from '../../model/log-record.ts';
import type { ParseContext } from '../types.ts';

export type ContainerRef = NonNullable<LogRecord['container']>;

/** The event time, or the receive time when the line's own time is missing or out of range. */
export function validTs(ts: number | undefined, ctx: ParseContext): number {
  return ts !== undefined && Number.isFinite(ts) && ts >= 0 ? ts : ctx.received_ts;
}

/**
 * JSON.parse for one line that should hold an object. Cheap checks first: most lines that are not
 * JSON are rejected by their first and last character without running the parser.
 */
export function parseJsonObject(line: string): Record<string, unknown> | undefined {
  const text = line.trim();
  if (text.charCodeAt(0) !== 0x7b || text.charCodeAt(text.length - 1) !== 0x7d) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A string field that is present and non-empty. */
export function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
